#pragma once
// Plain-C++ front of the whole-decode parity checks of the Stable Diffusion family (the torch side
// is SdPipelineParity.cpp), so that the QtTest translation unit includes no torch header. The
// fixtures are tests/diffusion/sd/fixtures/pipeline/, made by diffusers' own pipelines
// (tests/diffusion/sd/reference/make_pipeline_fixtures.py).
#include <string>

namespace sem::diffusion::checks {

struct PipelineComparison {
    double maxAbsError = 0;  // max |ours - reference| over the image, values in 0..1
    double psnr = 0;         // PSNR of ours against the reference (dB, peak 1)
};

// Which layout the tiny model is loaded from: the diffusers folder, or the single-file checkpoints
// (with the folder's configs, as a model set names them).
enum class Layout { Diffusers, SingleFile };

// Text-to-image with ControlNet, DDIM eta 0, 4 steps, guidance 7.5, from the fixture's latents,
// against diffusers' StableDiffusionControlNetPipeline. blankControl / otherCaption change our input
// only: the result must then be far from the reference.
PipelineComparison textToImage(const std::string& fixtures, Layout layout, bool blankControl = false,
                               bool otherCaption = false);
// img2img at strength 0.5 from the fixture's hint (VAE mean, the fixture's noise), against
// StableDiffusionControlNetImg2ImgPipeline.
PipelineComparison imageToImage(const std::string& fixtures, Layout layout, bool blankControl = false);
// The same text-to-image through the engine's API (openBackend on a model set, Conditions with a
// control image, SamplerSettings with the given latents), 8-bit output against the reference.
PipelineComparison backendTextToImage(const std::string& fixtures);

}  // namespace sem::diffusion::checks

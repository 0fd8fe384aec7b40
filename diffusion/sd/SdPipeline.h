#pragma once
// Internal to the Stable Diffusion family (torch types): one decode, as diffusers'
// StableDiffusionControlNetPipeline (text-to-image) and StableDiffusionControlNetImg2ImgPipeline
// (from an image, at a strength) compute it, on modules already loaded. Never included by Qt code.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <torch/torch.h>

#include "diffusion/sd/AutoencoderKL.h"
#include "diffusion/sd/ClipTextModel.h"
#include "diffusion/sd/ClipTokenizer.h"
#include "diffusion/sd/ControlNetModel.h"
#include "diffusion/sd/Scheduler.h"
#include "diffusion/sd/SchedulerConfig.h"
#include "diffusion/sd/UNet2DConditionModel.h"

namespace sem::diffusion::sd {

// The parts of a loaded Stable Diffusion 1.x model (the ControlNet may be absent).
struct SdModules {
    std::unique_ptr<ClipTokenizer> tokenizer;
    ClipTextModel text{nullptr};
    UNet2DConditionModel unet{nullptr};
    ControlNetModel controlnet{nullptr};
    AutoencoderKL vae{nullptr};
    SchedulerConfig scheduler;
};

// One decode at the working size (width and height multiples of the VAE's factor, 8).
struct SdRequest {
    int width = 0, height = 0;
    std::string prompt, negativePrompt;
    torch::Tensor control;  // [1, 3, H, W] in 0..1 (white lines on black), or undefined: no ControlNet
    torch::Tensor image;    // [1, 3, H, W] in -1..1: img2img from it at `strength`; undefined: from noise
    // [1, 4, H/8, W/8] standard normal: the starting latents of text-to-image (times the scheduler's
    // init noise sigma), the noise added to the image's latents for img2img.
    torch::Tensor latents;
    SamplerKind sampler = SamplerKind::DpmPp2M;
    SamplerOptions samplerOptions;
    int steps = 20;
    double guidance = 7.5;  // classifier-free guidance; <= 1: none (one batch-1 evaluation per step)
    double strength = 1.0;  // img2img only, (0, 1]
    double controlScale = 1.0;
    NoiseFn noise;          // the noise the sampler draws (Euler ancestral, DDIM with eta > 0)
    const SchedulerConfig* scheduler = nullptr;  // null: the model's own
    // The VAE in overlapping tiles (AutoencoderKL::encodeTiled / decodeTiled, as diffusers'
    // enable_tiling) for sizes whose untiled VAE would not fit the memory budget.
    bool vaeTiling = false;
};

// step counts from 1 to total; x0 is the step's prediction of the clean latents (for a preview).
using SdStepHook = std::function<void(int step, int total, const torch::Tensor& x0Latents)>;

// The decoded image [1, 3, H, W] in 0..1 (float32, CPU), as diffusers' output_type "np" before it
// is rounded. Throws Error on bad requests, Cancelled when *cancel becomes true (checked before every
// network evaluation).
torch::Tensor runSdPipeline(const SdModules& modules, const SdRequest& request, const SdStepHook& hook = {},
                            const std::atomic<bool>* cancel = nullptr);

// The prompt's token ids padded to the tokenizer's length (77) and encoded: [1, 77, hidden].
torch::Tensor encodePrompt(const SdModules& modules, const std::string& prompt);

}  // namespace sem::diffusion::sd

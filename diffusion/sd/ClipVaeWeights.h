#pragma once
// Loading the SD 1.x text encoder and VAE from a diffusers folder or an original single-file
// checkpoint (internal: torch types). Every check (config, file header, names, shapes) passes before
// a module is returned, so a failure never leaves a half-loaded model; errors are Error("text
// encoder: ...") / Error("vae: ...") (or "text encoder config: ...", "safetensors: ...").
#include <string>

#include "diffusion/SafeTensors.h"
#include "diffusion/sd/AutoencoderKL.h"
#include "diffusion/sd/ClipTextModel.h"
#include "diffusion/sd/SingleFileKeys.h"
#include "diffusion/sd/StateDict.h"

namespace sem::diffusion::sd {

// The text encoder's tensors of a single-file checkpoint (every name under `prefix`), renamed to
// diffusers names. Throws when there is none, or one whose name is not a CLIPTextModel name.
StateDict clipTextWeightsFromSingleFile(const SafeTensors& file, const std::string& prefix = kClipSingleFilePrefix);

// The VAE's tensors of a single-file checkpoint (every name under `prefix`; "" for a standalone VAE
// file in the original layout), renamed to diffusers names, the attention's 1x1-conv q/k/v/proj_out
// weights [C, C, 1, 1] reshaped to linear [C, C]. Throws when there is none, or one that is not a
// VAE tensor of a VAE with config.blockCount() levels.
StateDict vaeWeightsFromSingleFile(const SafeTensors& file, const VaeConfig& config,
                                   const std::string& prefix = kVaeSingleFilePrefix);

// A diffusers text_encoder folder: config.json and model.safetensors (or model.fp16.safetensors).
ClipTextModel loadClipTextModel(const std::string& folder);
// A diffusers vae folder: config.json and diffusion_pytorch_model.safetensors (or its .fp16 variant).
AutoencoderKL loadAutoencoderKL(const std::string& folder);

// From a single-file checkpoint (which holds no config: SD 1.x's are the defaults).
ClipTextModel loadClipTextModel(const SafeTensors& checkpoint, const ClipTextConfig& config = {});
AutoencoderKL loadAutoencoderKL(const SafeTensors& checkpoint, const VaeConfig& config = {});

}  // namespace sem::diffusion::sd

#pragma once
// Internal to the Stable Diffusion family (torch types): a cheap preview of SD 1.x latents without
// the VAE, for the progress callback.
#include <torch/torch.h>

#include "diffusion/DecodeTypes.h"  // ImageRgb (plain C++)

namespace sem::diffusion::sd {

// The fixed linear map from SD 1.x latents (as the UNet sees them, i.e. already multiplied by the
// VAE's 0.18215) to RGB in [-1, 1], clamped and rounded to 8 bits at the latents' own size:
// latents [1, 4, h, w] (any floating dtype and device) -> RGB8 h x w. Throws Error("latent preview:
// ...") for another shape.
ImageRgb latentToRgbPreview(const torch::Tensor& latents);

}  // namespace sem::diffusion::sd

#pragma once
// Internal (torch types): colour correction of a decoded image towards a reference.
#include <torch/torch.h>

namespace sem::diffusion {

// Wavelet colour fix (as StableSR does it, Wang et al. 2023): the image's high frequencies plus the
// reference's low frequencies, each split by `levels` levels of a dilated 3x3 binomial blur (radius
// 1, 2, 4, ...; replicate padding). `image` and `reference` are [B, C, H, W] float of one size; the
// low-pass of the last level (radius 2^(levels-1)) is what the reference contributes: the colours of
// the colour hint, the detail of the decode.
torch::Tensor waveletColourFix(const torch::Tensor& image, const torch::Tensor& reference, int levels = 5);

// One level's low-pass: the 3x3 binomial kernel [1 2 1; 2 4 2; 1 2 1] / 16 dilated by `radius`.
torch::Tensor waveletBlur(const torch::Tensor& image, int radius);

}  // namespace sem::diffusion

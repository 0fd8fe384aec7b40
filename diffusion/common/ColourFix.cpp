#include "diffusion/common/ColourFix.h"

#include "diffusion/DiffusionError.h"

namespace sem::diffusion {

namespace F = torch::nn::functional;

torch::Tensor waveletBlur(const torch::Tensor& image, int radius) {
    const std::int64_t channels = image.size(1);
    const torch::Tensor kernel = (torch::tensor({1.0, 2.0, 1.0}, image.options()).unsqueeze(1) *
                                  torch::tensor({1.0, 2.0, 1.0}, image.options()).unsqueeze(0) / 16.0)
                                     .view({1, 1, 3, 3})
                                     .expand({channels, 1, 3, 3})
                                     .contiguous();
    // Replicate padding (the border pixel repeated, whatever the radius) as StableSR pads.
    const torch::Tensor padded = F::pad(image, F::PadFuncOptions({radius, radius, radius, radius}).mode(torch::kReplicate));
    return F::conv2d(padded, kernel, F::Conv2dFuncOptions().groups(channels).dilation(radius));
}

torch::Tensor waveletColourFix(const torch::Tensor& image, const torch::Tensor& reference, int levels) {
    if (image.sizes() != reference.sizes() || image.dim() != 4)
        throw Error("colour fix: the image and the reference must be [B, C, H, W] tensors of one size.");
    if (levels < 1 || levels > 12)
        throw Error("colour fix: levels must be 1..12.");
    auto lowPass = [&](torch::Tensor x) {
        for (int i = 0; i < levels; ++i)
            x = waveletBlur(x, 1 << i);
        return x;
    };
    // high(image) + low(reference) = image - low(image) + low(reference); the high frequencies are the
    // sum of every level's difference, which telescopes to image - low(image).
    return image - lowPass(image) + lowPass(reference);
}

}  // namespace sem::diffusion

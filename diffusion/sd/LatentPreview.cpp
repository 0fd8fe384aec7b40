#include "diffusion/sd/LatentPreview.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace {

// The "latent_rgb_factors" of SD 1.x latents widely used for latent previews: ComfyUI's
// comfy/latent_formats.py, class SD15 (rows: latent channels 0-3; columns: R, G, B). SD 1.x has no
// bias there (zero); ComfyUI's latent_preview.py maps the result from [-1, 1] to 0..255 with
// clamp, (v + 1) * 127.5 and rounding, as done here.
constexpr float kFactors[4][3] = {
    {0.3512f, 0.2297f, 0.3227f},
    {0.3250f, 0.4974f, 0.2350f},
    {-0.2829f, 0.1762f, 0.2721f},
    {-0.2120f, -0.2616f, -0.7177f},
};
constexpr float kBias[3] = {0.0f, 0.0f, 0.0f};

}  // namespace

ImageRgb latentToRgbPreview(const torch::Tensor& latents) {
    if (!latents.defined() || latents.dim() != 4 || latents.size(0) != 1 || latents.size(1) != 4 ||
        latents.size(2) < 1 || latents.size(3) < 1 || !latents.is_floating_point())
        throw Error("latent preview: the latents must be a floating-point tensor shaped [1, 4, h, w].");
    const torch::Tensor x = latents[0].detach().to(torch::kCPU, torch::kFloat32).contiguous();  // [4, h, w]
    const auto h = static_cast<int>(x.size(1)), w = static_cast<int>(x.size(2));
    const float* data = x.data_ptr<float>();
    const size_t plane = static_cast<size_t>(h) * static_cast<size_t>(w);
    ImageRgb image;
    image.width = w;
    image.height = h;
    image.rgb.resize(plane * 3);
    for (size_t p = 0; p < plane; ++p)
        for (int c = 0; c < 3; ++c) {
            float v = kBias[c];
            for (int k = 0; k < 4; ++k)
                v += data[static_cast<size_t>(k) * plane + p] * kFactors[k][c];
            v = std::min(1.0f, std::max(-1.0f, v));  // std::max(-1, NaN) is -1: a NaN shows black
            image.rgb[p * 3 + static_cast<size_t>(c)] = static_cast<std::uint8_t>(std::nearbyint((v + 1.0f) * 127.5f));
        }
    return image;
}

}  // namespace sem::diffusion::sd

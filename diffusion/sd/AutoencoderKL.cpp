#include "diffusion/sd/AutoencoderKL.h"

#include <algorithm>
#include <vector>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/SingleFileKeys.h"

namespace sem::diffusion::sd {

AutoencoderKLImpl::AutoencoderKLImpl(const VaeConfig& config, ModuleInit init) : config_(config) {
    config_.validate();
    const int latent = config.latentChannels;
    encoder_ = register_module("encoder", vae::Encoder(config, init));
    decoder_ = register_module("decoder", vae::Decoder(config, init));
    quantConv_ = register_module("quant_conv", plain::Conv2d(2 * latent, 2 * latent, 1, 1, 0, init));
    postQuantConv_ = register_module("post_quant_conv", plain::Conv2d(latent, latent, 1, 1, 0, init));
}

void AutoencoderKLImpl::checkImage(const torch::Tensor& image) const {
    const int f = downsamplingFactor();
    if (image.dim() != 4 || image.size(0) < 1 || image.size(1) != config_.inChannels || image.size(2) < f ||
        image.size(3) < f || image.size(2) % f != 0 || image.size(3) % f != 0)
        throw Error("vae: the image to encode must be [batch, " + std::to_string(config_.inChannels) +
                    ", H, W] with H and W positive multiples of " + std::to_string(f) + ".");
    if (!image.is_floating_point())
        throw Error("vae: the image to encode must be a floating-point tensor.");
}

LatentDistribution AutoencoderKLImpl::encode(const torch::Tensor& image) const {
    checkImage(image);
    torch::NoGradGuard noGrad;
    const auto& w = quantConv_->weight;
    const torch::Tensor moments = quantConv_->forward(encoder_->forward(image.to(w.device(), w.scalar_type())));
    const auto halves = moments.chunk(2, 1);
    return {halves[0], torch::clamp(halves[1], -30.0, 20.0)};
}

void AutoencoderKLImpl::checkLatents(const torch::Tensor& z) const {
    if (z.dim() != 4 || z.size(0) < 1 || z.size(1) != config_.latentChannels || z.size(2) < 1 || z.size(3) < 1)
        throw Error("vae: the latents to decode must be [batch, " + std::to_string(config_.latentChannels) +
                    ", h, w].");
    if (!z.is_floating_point())
        throw Error("vae: the latents to decode must be a floating-point tensor.");
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& z) const {
    checkLatents(z);
    torch::NoGradGuard noGrad;
    const auto& w = postQuantConv_->weight;
    return decoder_->forward(postQuantConv_->forward(z.to(w.device(), w.scalar_type())));
}

namespace {

// diffusers' blend_v / blend_h: the first `extent` rows (columns) of b fade in from the last ones of a.
// Written into b in place, as diffusers does (later tiles blend with already-blended neighbours).
void blend(const torch::Tensor& a, torch::Tensor& b, std::int64_t extent, int dim) {
    extent = std::min({a.size(dim), b.size(dim), extent});
    for (std::int64_t y = 0; y < extent; ++y) {
        const double t = static_cast<double>(y) / static_cast<double>(extent);
        b.select(dim, y).copy_(a.select(dim, a.size(dim) - extent + y) * (1.0 - t) + b.select(dim, y) * t);
    }
}

// Runs `f` over overlapping tiles of x (side `tileIn`, stepping by three quarters of it), blends the
// outputs over a quarter of `tileOut` and keeps tileOut minus that of each: diffusers' tiled loop.
template <typename F>
torch::Tensor tiled(const torch::Tensor& x, std::int64_t tileIn, std::int64_t tileOut, F f) {
    const std::int64_t step = std::max<std::int64_t>(1, tileIn * 3 / 4);  // int(tile * (1 - 0.25))
    const std::int64_t extent = tileOut / 4;                              // int(tile * 0.25)
    const std::int64_t keep = tileOut - extent;
    std::vector<std::vector<torch::Tensor>> rows;
    for (std::int64_t i = 0; i < x.size(2); i += step) {
        std::vector<torch::Tensor> row;
        for (std::int64_t j = 0; j < x.size(3); j += step)
            row.push_back(f(x.slice(2, i, i + tileIn).slice(3, j, j + tileIn)));
        rows.push_back(std::move(row));
    }
    std::vector<torch::Tensor> joinedRows;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::vector<torch::Tensor> kept;
        for (std::size_t j = 0; j < rows[i].size(); ++j) {
            torch::Tensor& tile = rows[i][j];
            if (i > 0)
                blend(rows[i - 1][j], tile, extent, 2);
            if (j > 0)
                blend(rows[i][j - 1], tile, extent, 3);
            kept.push_back(tile.slice(2, 0, keep).slice(3, 0, keep));
        }
        joinedRows.push_back(torch::cat(kept, 3));
    }
    return torch::cat(joinedRows, 2);
}

}  // namespace

LatentDistribution AutoencoderKLImpl::encodeTiled(const torch::Tensor& image) const {
    const std::int64_t tile = config_.sampleSize;
    if (image.dim() != 4 || (image.size(2) <= tile && image.size(3) <= tile))
        return encode(image);  // no tiling needed (or a bad input: encode says why)
    checkImage(image);
    torch::NoGradGuard noGrad;
    const auto& w = quantConv_->weight;
    const torch::Tensor moments =
        tiled(image.to(w.device(), w.scalar_type()), tile, tile / downsamplingFactor(),
              [this](const torch::Tensor& t) { return quantConv_->forward(encoder_->forward(t)); });
    const auto halves = moments.chunk(2, 1);
    return {halves[0], torch::clamp(halves[1], -30.0, 20.0)};
}

torch::Tensor AutoencoderKLImpl::decodeTiled(const torch::Tensor& z) const {
    const std::int64_t tile = config_.sampleSize / downsamplingFactor();
    if (z.dim() != 4 || (z.size(2) <= tile && z.size(3) <= tile))
        return decode(z);
    checkLatents(z);
    torch::NoGradGuard noGrad;
    const auto& w = postQuantConv_->weight;
    return tiled(z.to(w.device(), w.scalar_type()), tile, config_.sampleSize,
                 [this](const torch::Tensor& t) { return decoder_->forward(postQuantConv_->forward(t)); });
}

std::uint64_t AutoencoderKLImpl::decodeBytes(std::int64_t h, std::int64_t w) const {
    const auto f = static_cast<std::uint64_t>(downsamplingFactor());
    const auto tokens = static_cast<std::uint64_t>(h) * static_cast<std::uint64_t>(w);
    const std::uint64_t pixels = tokens * f * f;
    const auto& ch = config_.blockOutChannels;
    // Up blocks run from the last channel count back to the first; the full-resolution block gets
    // its input from the one before (upsampled), so both widths live at full resolution at once.
    const auto wide = static_cast<std::uint64_t>(ch.size() > 1 ? ch[1] : ch[0]);
    const auto narrow = static_cast<std::uint64_t>(ch[0]);
    const std::uint64_t attention = config_.midBlockAddAttention ? tokens * tokens : 0;
    return 4 * (attention + pixels * (2 * wide + 2 * narrow));
}

void AutoencoderKLImpl::loadWeights(const StateDict& weights) {
    StateDict dict;
    for (const auto& [name, tensor] : weights) {
        const std::string current = vaeCurrentDiffusersName(name);
        if (!dict.emplace(current, tensor).second)
            throw Error("vae: the weights hold the tensor '" + current + "' twice (under its old and new name).");
    }
    loadStateDict(*this, dict, "vae");
}

}  // namespace sem::diffusion::sd

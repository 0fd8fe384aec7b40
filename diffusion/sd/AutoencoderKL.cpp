#include "diffusion/sd/AutoencoderKL.h"

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

LatentDistribution AutoencoderKLImpl::encode(const torch::Tensor& image) const {
    const int f = downsamplingFactor();
    if (image.dim() != 4 || image.size(0) < 1 || image.size(1) != config_.inChannels || image.size(2) < f ||
        image.size(3) < f || image.size(2) % f != 0 || image.size(3) % f != 0)
        throw Error("vae: the image to encode must be [batch, " + std::to_string(config_.inChannels) +
                    ", H, W] with H and W positive multiples of " + std::to_string(f) + ".");
    if (!image.is_floating_point())
        throw Error("vae: the image to encode must be a floating-point tensor.");
    torch::NoGradGuard noGrad;
    const auto& w = quantConv_->weight;
    const torch::Tensor moments = quantConv_->forward(encoder_->forward(image.to(w.device(), w.scalar_type())));
    const auto halves = moments.chunk(2, 1);
    return {halves[0], torch::clamp(halves[1], -30.0, 20.0)};
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& z) const {
    if (z.dim() != 4 || z.size(0) < 1 || z.size(1) != config_.latentChannels || z.size(2) < 1 || z.size(3) < 1)
        throw Error("vae: the latents to decode must be [batch, " + std::to_string(config_.latentChannels) +
                    ", h, w].");
    if (!z.is_floating_point())
        throw Error("vae: the latents to decode must be a floating-point tensor.");
    torch::NoGradGuard noGrad;
    const auto& w = postQuantConv_->weight;
    return decoder_->forward(postQuantConv_->forward(z.to(w.device(), w.scalar_type())));
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

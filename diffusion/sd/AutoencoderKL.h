#pragma once
// The Stable Diffusion 1.x VAE (diffusers' AutoencoderKL, encoder and decoder) ported to LibTorch
// (internal: torch types). Parameter names equal diffusers' state_dict names
// ("encoder.down_blocks.0.resnets.0.norm1.weight", "decoder.mid_block.attentions.0.to_q.weight",
// "quant_conv.weight"), so a vae/diffusion_pytorch_model.safetensors loads by name.
#include <torch/torch.h>

#include "diffusion/sd/PlainLayers.h"
#include "diffusion/sd/StateDict.h"
#include "diffusion/sd/VaeBlocks.h"
#include "diffusion/sd/VaeConfig.h"

namespace sem::diffusion::sd {

// The latent distribution of an image: a diagonal Gaussian (logvar clamped to [-30, 20], as diffusers
// does), before scalingFactor.
struct LatentDistribution {
    torch::Tensor mean;    // [B, latent, H/f, W/f]
    torch::Tensor logvar;  // same shape
};

class AutoencoderKLImpl : public torch::nn::Module {
public:
    explicit AutoencoderKLImpl(const VaeConfig& config, ModuleInit init = ModuleInit::Random);

    // image: [B, in_channels, H, W] in -1..1, H and W multiples of downsamplingFactor() (checked:
    // throws Error("vae: ...")). Runs on the parameters' device and dtype.
    LatentDistribution encode(const torch::Tensor& image) const;
    // z: [B, latent_channels, h, w] (unscaled: divide the UNet's latents by scalingFactor() first)
    // -> [B, out_channels, h*f, w*f], roughly -1..1.
    torch::Tensor decode(const torch::Tensor& z) const;

    double scalingFactor() const { return config_.scalingFactor; }
    int downsamplingFactor() const { return config_.downsamplingFactor(); }
    const VaeConfig& config() const { return config_; }

    // Copies diffusers-named weights in (strict; the pre-0.14 attention names query/key/value/proj_attn
    // are accepted as diffusers accepts them). Throws Error("vae: ...") and leaves the module untouched
    // on any mismatch.
    void loadWeights(const StateDict& weights);

private:
    VaeConfig config_;
    vae::Encoder encoder_{nullptr};
    vae::Decoder decoder_{nullptr};
    plain::Conv2d quantConv_{nullptr}, postQuantConv_{nullptr};
};
TORCH_MODULE(AutoencoderKL);

}  // namespace sem::diffusion::sd

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

    // diffusers' tiled VAE (AutoencoderKL.enable_tiling), for images too large to encode or decode
    // at once: tiles of sample_size pixels (sample_size / factor latents) that overlap by a quarter,
    // blended linearly over the overlap, the same result as diffusers' tiled_encode / tiled_decode.
    // Memory stays that of one tile whatever the size. The result differs from the untiled one near
    // tile borders (each tile sees only itself); an input no larger than a tile is not tiled.
    LatentDistribution encodeTiled(const torch::Tensor& image) const;
    torch::Tensor decodeTiled(const torch::Tensor& z) const;
    // A generous estimate of the working memory (bytes, float32) of decode() of an h x w latent
    // (encode() of the image of that latent size costs less): the full-resolution activations of
    // the last up blocks and the mid block's attention matrix.
    std::uint64_t decodeBytes(std::int64_t h, std::int64_t w) const;

    double scalingFactor() const { return config_.scalingFactor; }
    int downsamplingFactor() const { return config_.downsamplingFactor(); }
    const VaeConfig& config() const { return config_; }

    // Copies diffusers-named weights in (strict; the pre-0.14 attention names query/key/value/proj_attn
    // are accepted as diffusers accepts them). Throws Error("vae: ...") and leaves the module untouched
    // on any mismatch.
    void loadWeights(const StateDict& weights);

private:
    void checkImage(const torch::Tensor& image) const;  // throws Error("vae: ...")
    void checkLatents(const torch::Tensor& z) const;

    VaeConfig config_;
    vae::Encoder encoder_{nullptr};
    vae::Decoder decoder_{nullptr};
    plain::Conv2d quantConv_{nullptr}, postQuantConv_{nullptr};
};
TORCH_MODULE(AutoencoderKL);

}  // namespace sem::diffusion::sd

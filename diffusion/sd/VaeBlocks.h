#pragma once
// The building blocks of diffusers' AutoencoderKL (internal: torch types), named as diffusers names
// their parameters: ResnetBlock2D (norm1, conv1, norm2, conv2, conv_shortcut), the mid-block's
// single-head self-attention (group_norm, to_q, to_k, to_v, to_out.0), DownEncoderBlock2D /
// UpDecoderBlock2D (resnets, downsamplers.0.conv / upsamplers.0.conv), UNetMidBlock2D, and the
// Encoder / Decoder. GroupNorm eps 1e-6 and SiLU throughout, as in SD's VAE.
#include <vector>

#include <torch/torch.h>

#include "diffusion/sd/PlainLayers.h"
#include "diffusion/sd/VaeConfig.h"

namespace sem::diffusion::sd::vae {

class ResnetBlockImpl : public torch::nn::Module {
public:
    ResnetBlockImpl(std::int64_t in, std::int64_t out, std::int64_t groups, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    plain::GroupNorm norm1_{nullptr}, norm2_{nullptr};
    plain::Conv2d conv1_{nullptr}, conv2_{nullptr}, shortcut_{nullptr};  // shortcut: 1x1 when in != out
};
TORCH_MODULE(ResnetBlock);

// GroupNorm, then attention over the H*W positions with one head of width C, then the residual.
class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(std::int64_t channels, std::int64_t groups, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    plain::GroupNorm groupNorm_{nullptr};
    plain::Linear toQ_{nullptr}, toK_{nullptr}, toV_{nullptr}, toOut_{nullptr};
};
TORCH_MODULE(Attention);

// resnets.0, then (attentions.0, resnets.1).
class MidBlockImpl : public torch::nn::Module {
public:
    MidBlockImpl(std::int64_t channels, std::int64_t groups, bool attention, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    std::vector<ResnetBlock> resnets_;
    Attention attention_{nullptr};
};
TORCH_MODULE(MidBlock);

// DownEncoderBlock2D (down = true: then a stride-2 conv after zero padding right and bottom by one) or
// UpDecoderBlock2D (down = false: then nearest 2x upsampling and a 3x3 conv).
class SampleBlockImpl : public torch::nn::Module {
public:
    SampleBlockImpl(bool down, std::int64_t in, std::int64_t out, int layers, std::int64_t groups, bool resample,
                    ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    bool down_;
    std::vector<ResnetBlock> resnets_;
    plain::Conv2d resampleConv_{nullptr};
};
TORCH_MODULE(SampleBlock);

class EncoderImpl : public torch::nn::Module {
public:
    EncoderImpl(const VaeConfig& config, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;  // [B, in, H, W] -> [B, 2 * latent, H/f, W/f]

private:
    plain::Conv2d convIn_{nullptr}, convOut_{nullptr};
    std::vector<SampleBlock> blocks_;
    MidBlock mid_{nullptr};
    plain::GroupNorm normOut_{nullptr};
};
TORCH_MODULE(Encoder);

class DecoderImpl : public torch::nn::Module {
public:
    DecoderImpl(const VaeConfig& config, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& z) const;  // [B, latent, h, w] -> [B, out, h*f, w*f]

private:
    plain::Conv2d convIn_{nullptr}, convOut_{nullptr};
    MidBlock mid_{nullptr};
    std::vector<SampleBlock> blocks_;
    plain::GroupNorm normOut_{nullptr};
};
TORCH_MODULE(Decoder);

}  // namespace sem::diffusion::sd::vae

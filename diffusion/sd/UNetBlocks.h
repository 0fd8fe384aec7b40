#pragma once
// The building blocks of UNet2DConditionModel and ControlNetModel (diffusers v0.25.1), with diffusers'
// parameter names (torch types: internal to the family).
#include <vector>

#include <torch/torch.h>

#include "diffusion/sd/Layers.h"
#include "diffusion/sd/UNetConfig.h"

namespace sem::diffusion::sd {

// Sinusoidal timestep features [B, dim] (diffusers get_timestep_embedding, max period 10000).
torch::Tensor timestepFeatures(const torch::Tensor& timesteps, int dim, bool flipSinToCos, double freqShift);

// Sets AttentionImpl::scoreBudget of every attention in `module` (tests use a tiny budget to run the
// one-group-at-a-time path on tiny inputs).
void setAttentionScoreBudget(torch::nn::Module& module, std::int64_t elements);

// linear_1 -> silu -> linear_2.
class TimestepEmbeddingImpl : public torch::nn::Module {
public:
    TimestepEmbeddingImpl(int in, int out, Weights w);
    torch::Tensor forward(const torch::Tensor& x);
    Linear linear_1{nullptr}, linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

// norm1 -> silu -> conv1 (+ time_emb_proj(silu(temb))) -> norm2 -> silu -> conv2, plus the (1x1 conv) shortcut.
class ResnetBlock2DImpl : public torch::nn::Module {
public:
    ResnetBlock2DImpl(int in, int out, int tembChannels, int groups, double eps, Weights w);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb);
    GroupNorm norm1{nullptr}, norm2{nullptr};
    Conv2d conv1{nullptr}, conv2{nullptr}, conv_shortcut{nullptr};
    Linear time_emb_proj{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

// Multi-head scaled dot-product attention (diffusers Attention + AttnProcessor). The [B*heads, N, M] scores
// are computed for a group of heads at a time, so memory stays bounded at large latents.
class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(int queryDim, int contextDim, int heads, Weights w);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);
    Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr}, out{nullptr};
    torch::nn::ModuleList to_out;
    // At most this many score elements ([heads, N, M] floats) at once: 64 Mi floats = 256 MiB. One head is
    // always done whole (at 96x64 latents its [6144, 6144] scores are 151 MB).
    std::int64_t scoreBudget = std::int64_t{1} << 26;

private:
    int heads_;
    double scale_;
};
TORCH_MODULE(Attention);

// net.0 = GEGLU (proj to 2 x inner, value * gelu(gate)), net.1 dropout (nothing), net.2 = Linear(inner, dim).
class FeedForwardImpl : public torch::nn::Module {
public:
    FeedForwardImpl(int dim, Weights w);
    torch::Tensor forward(const torch::Tensor& x);
    Linear proj{nullptr}, out{nullptr};
    torch::nn::ModuleList net;
};
TORCH_MODULE(FeedForward);

// LayerNorm -> self-attention, LayerNorm -> cross-attention, LayerNorm -> feed-forward, each residual.
class BasicTransformerBlockImpl : public torch::nn::Module {
public:
    BasicTransformerBlockImpl(int dim, int heads, int contextDim, Weights w);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);
    LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
    Attention attn1{nullptr}, attn2{nullptr};
    FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

// Transformer2DModel on continuous input: GroupNorm (eps 1e-6), proj_in (1x1 conv, or Linear with
// use_linear_projection), transformer blocks, proj_out, residual.
class Transformer2DImpl : public torch::nn::Module {
public:
    Transformer2DImpl(int channels, int heads, const UNetConfig& config, Weights w);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);
    GroupNorm norm{nullptr};
    Conv2d proj_in_conv{nullptr}, proj_out_conv{nullptr};
    Linear proj_in_linear{nullptr}, proj_out_linear{nullptr};
    torch::nn::ModuleList transformer_blocks;
    std::vector<BasicTransformerBlock> blocks;
};
TORCH_MODULE(Transformer2D);

// A down block (CrossAttnDownBlock2D or DownBlock2D): resnets (+ attentions), then the stride-2 conv.
class DownBlockImpl : public torch::nn::Module {
public:
    DownBlockImpl(int in, int out, bool crossAttention, bool downsample, int heads, const UNetConfig& config, Weights w);
    // Appends every output the up path (or the ControlNet) takes as a residual.
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                          std::vector<torch::Tensor>& residuals);
    std::vector<ResnetBlock2D> resnetList;
    std::vector<Transformer2D> attentionList;
    Conv2d downsampler{nullptr};
};
TORCH_MODULE(DownBlock);

// UNetMidBlock2DCrossAttn: resnet, (attention, resnet) x 1.
class MidBlockImpl : public torch::nn::Module {
public:
    MidBlockImpl(int channels, const UNetConfig& config, Weights w);
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context);
    std::vector<ResnetBlock2D> resnetList;
    std::vector<Transformer2D> attentionList;
};
TORCH_MODULE(MidBlock);

// An up block (UpBlock2D or CrossAttnUpBlock2D): concatenates a skip per resnet, then nearest x2 + conv
// (to the given size when the down path had odd sizes).
class UpBlockImpl : public torch::nn::Module {
public:
    UpBlockImpl(int in, int prevOut, int out, bool crossAttention, bool upsample, int heads, const UNetConfig& config,
                Weights w);
    // Takes its skips from the back of `skips` (removing them); upsampleSize empty: twice the size.
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                          std::vector<torch::Tensor>& skips, std::vector<std::int64_t> upsampleSize);
    std::vector<ResnetBlock2D> resnetList;
    std::vector<Transformer2D> attentionList;
    Conv2d upsampler{nullptr};
};
TORCH_MODULE(UpBlock);

}  // namespace sem::diffusion::sd

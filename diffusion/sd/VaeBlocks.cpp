#include "diffusion/sd/VaeBlocks.h"

#include <cmath>

namespace sem::diffusion::sd::vae {

namespace {

constexpr double kEps = 1e-6;

torch::nn::ModuleList listOf(const std::vector<ResnetBlock>& blocks) {
    torch::nn::ModuleList list;
    for (const auto& b : blocks)
        list->push_back(b);
    return list;
}

}  // namespace

ResnetBlockImpl::ResnetBlockImpl(std::int64_t in, std::int64_t out, std::int64_t groups, ModuleInit init) {
    norm1_ = register_module("norm1", plain::GroupNorm(groups, in, kEps, init));
    conv1_ = register_module("conv1", plain::Conv2d(in, out, 3, 1, 1, init));
    norm2_ = register_module("norm2", plain::GroupNorm(groups, out, kEps, init));
    conv2_ = register_module("conv2", plain::Conv2d(out, out, 3, 1, 1, init));
    if (in != out)
        shortcut_ = register_module("conv_shortcut", plain::Conv2d(in, out, 1, 1, 0, init));
}

torch::Tensor ResnetBlockImpl::forward(const torch::Tensor& x) const {
    torch::Tensor h = conv1_->forward(torch::silu(norm1_->forward(x)));
    h = conv2_->forward(torch::silu(norm2_->forward(h)));  // dropout 0
    return (shortcut_ ? shortcut_->forward(x) : x) + h;    // output_scale_factor 1
}

AttentionImpl::AttentionImpl(std::int64_t channels, std::int64_t groups, ModuleInit init) {
    groupNorm_ = register_module("group_norm", plain::GroupNorm(groups, channels, kEps, init));
    toQ_ = register_module("to_q", plain::Linear(channels, channels, init));
    toK_ = register_module("to_k", plain::Linear(channels, channels, init));
    toV_ = register_module("to_v", plain::Linear(channels, channels, init));
    torch::nn::ModuleList toOut;  // diffusers: to_out = [Linear, Dropout]
    toOut_ = plain::Linear(channels, channels, init);
    toOut->push_back(toOut_);
    register_module("to_out", toOut);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x) const {
    const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    // [B, C, H, W] -> [B, HW, C] tokens (GroupNorm over the channels first, as diffusers does).
    const torch::Tensor tokens = groupNorm_->forward(x).view({b, c, h * w}).transpose(1, 2);
    const torch::Tensor q = toQ_->forward(tokens), k = toK_->forward(tokens), v = toV_->forward(tokens);
    const double scale = 1.0 / std::sqrt(static_cast<double>(c));  // one head of width C
    torch::Tensor scores = torch::bmm(q, k.transpose(1, 2)) * scale;
    const torch::Tensor probs = torch::softmax(scores.to(torch::kFloat), -1).to(q.scalar_type());  // upcast_softmax
    const torch::Tensor out = toOut_->forward(torch::bmm(probs, v));
    return out.transpose(1, 2).reshape({b, c, h, w}) + x;  // residual; rescale_output_factor 1
}

MidBlockImpl::MidBlockImpl(std::int64_t channels, std::int64_t groups, bool attention, ModuleInit init) {
    torch::nn::ModuleList attentions;
    if (attention) {
        attention_ = Attention(channels, groups, init);
        attentions->push_back(attention_);
    }
    register_module("attentions", attentions);
    resnets_ = {ResnetBlock(channels, channels, groups, init), ResnetBlock(channels, channels, groups, init)};
    register_module("resnets", listOf(resnets_));
}

torch::Tensor MidBlockImpl::forward(const torch::Tensor& x) const {
    torch::Tensor h = resnets_[0]->forward(x);
    if (attention_)
        h = attention_->forward(h);
    return resnets_[1]->forward(h);
}

SampleBlockImpl::SampleBlockImpl(bool down, std::int64_t in, std::int64_t out, int layers, std::int64_t groups,
                                 bool resample, ModuleInit init)
    : down_(down) {
    for (int i = 0; i < layers; ++i)
        resnets_.push_back(ResnetBlock(i == 0 ? in : out, out, groups, init));
    register_module("resnets", listOf(resnets_));
    if (resample) {
        // Downsample2D(padding=0): pad (0, 1, 0, 1), 3x3 stride 2; Upsample2D: nearest 2x, 3x3.
        auto sampler = std::make_shared<torch::nn::Module>(down ? "Downsample2D" : "Upsample2D");
        resampleConv_ = sampler->register_module("conv", plain::Conv2d(out, out, 3, down ? 2 : 1, down ? 0 : 1, init));
        torch::nn::ModuleList samplers;
        samplers->push_back(sampler);
        register_module(down ? "downsamplers" : "upsamplers", samplers);
    }
}

torch::Tensor SampleBlockImpl::forward(const torch::Tensor& x) const {
    torch::Tensor h = x;
    for (const auto& r : resnets_)
        h = r->forward(h);
    if (!resampleConv_)
        return h;
    if (down_)
        return resampleConv_->forward(torch::constant_pad_nd(h, {0, 1, 0, 1}, 0));
    namespace F = torch::nn::functional;
    const std::vector<std::int64_t> size{2 * h.size(2), 2 * h.size(3)};
    return resampleConv_->forward(F::interpolate(h, F::InterpolateFuncOptions().size(size).mode(torch::kNearest)));
}

EncoderImpl::EncoderImpl(const VaeConfig& config, ModuleInit init) {
    const auto& ch = config.blockOutChannels;
    const int n = config.blockCount();
    const std::int64_t groups = config.normNumGroups;
    convIn_ = register_module("conv_in", plain::Conv2d(config.inChannels, ch[0], 3, 1, 1, init));
    torch::nn::ModuleList down;
    std::int64_t previous = ch[0];
    for (int i = 0; i < n; ++i) {
        const std::int64_t c = ch[static_cast<std::size_t>(i)];
        blocks_.push_back(SampleBlock(true, previous, c, config.layersPerBlock, groups, i < n - 1, init));
        down->push_back(blocks_.back());
        previous = c;
    }
    register_module("down_blocks", down);
    mid_ = register_module("mid_block", MidBlock(ch.back(), groups, config.midBlockAddAttention, init));
    normOut_ = register_module("conv_norm_out", plain::GroupNorm(groups, ch.back(), kEps, init));
    convOut_ = register_module("conv_out", plain::Conv2d(ch.back(), 2 * config.latentChannels, 3, 1, 1, init));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& x) const {
    torch::Tensor h = convIn_->forward(x);
    for (const auto& b : blocks_)
        h = b->forward(h);
    h = mid_->forward(h);
    return convOut_->forward(torch::silu(normOut_->forward(h)));
}

DecoderImpl::DecoderImpl(const VaeConfig& config, ModuleInit init) {
    const auto& ch = config.blockOutChannels;
    const int n = config.blockCount();
    const std::int64_t groups = config.normNumGroups;
    convIn_ = register_module("conv_in", plain::Conv2d(config.latentChannels, ch.back(), 3, 1, 1, init));
    mid_ = register_module("mid_block", MidBlock(ch.back(), groups, config.midBlockAddAttention, init));
    torch::nn::ModuleList up;
    std::int64_t previous = ch.back();
    for (int i = 0; i < n; ++i) {  // up_blocks.i works at the resolution of down_blocks.(n-1-i)
        const std::int64_t c = ch[static_cast<std::size_t>(n - 1 - i)];
        blocks_.push_back(SampleBlock(false, previous, c, config.layersPerBlock + 1, groups, i < n - 1, init));
        up->push_back(blocks_.back());
        previous = c;
    }
    register_module("up_blocks", up);
    normOut_ = register_module("conv_norm_out", plain::GroupNorm(groups, ch[0], kEps, init));
    convOut_ = register_module("conv_out", plain::Conv2d(ch[0], config.outChannels, 3, 1, 1, init));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& z) const {
    torch::Tensor h = mid_->forward(convIn_->forward(z));
    for (const auto& b : blocks_)
        h = b->forward(h);
    return convOut_->forward(torch::silu(normOut_->forward(h)));
}

}  // namespace sem::diffusion::sd::vae

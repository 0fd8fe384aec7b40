#include "diffusion/sd/UNetBlocks.h"

#include <cmath>

namespace sem::diffusion::sd {

namespace {

// A parameterless holder so that a child is named "<list index>.<name>" (downsamplers.0.conv, net.0.proj).
std::shared_ptr<torch::nn::Module> holder(const std::string& name, const std::shared_ptr<torch::nn::Module>& child) {
    auto h = std::make_shared<torch::nn::Module>();
    h->register_module(name, child);
    return h;
}

}  // namespace

torch::Tensor timestepFeatures(const torch::Tensor& timesteps, int dim, bool flipSinToCos, double freqShift) {
    const int half = dim / 2;
    torch::Tensor exponent = -std::log(10000.0) * torch::arange(0, half, torch::TensorOptions().dtype(torch::kFloat));
    exponent = exponent / (half - freqShift);
    torch::Tensor emb = torch::exp(exponent);
    emb = timesteps.to(torch::kFloat).unsqueeze(1) * emb.unsqueeze(0);
    emb = torch::cat({torch::sin(emb), torch::cos(emb)}, -1);
    if (flipSinToCos)
        emb = torch::cat({emb.slice(1, half), emb.slice(1, 0, half)}, -1);
    if (dim % 2 == 1)
        emb = torch::constant_pad_nd(emb, {0, 1, 0, 0});
    return emb;
}

void setAttentionScoreBudget(torch::nn::Module& module, std::int64_t elements) {
    for (const auto& m : module.modules())
        if (auto* a = m->as<AttentionImpl>())
            a->scoreBudget = elements;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int in, int out, Weights w) {
    linear_1 = register_module("linear_1", Linear(in, out, true, w));
    linear_2 = register_module("linear_2", Linear(out, out, true, w));
}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor& x) {
    return linear_2(torch::silu(linear_1(x)));
}

ResnetBlock2DImpl::ResnetBlock2DImpl(int in, int out, int tembChannels, int groups, double eps, Weights w) {
    norm1 = register_module("norm1", GroupNorm(groups, in, eps, w));
    conv1 = register_module("conv1", Conv2d(in, out, 3, 1, 1, w));
    time_emb_proj = register_module("time_emb_proj", Linear(tembChannels, out, true, w));
    norm2 = register_module("norm2", GroupNorm(groups, out, eps, w));
    conv2 = register_module("conv2", Conv2d(out, out, 3, 1, 1, w));
    if (in != out)
        conv_shortcut = register_module("conv_shortcut", Conv2d(in, out, 1, 1, 0, w));
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
    torch::Tensor h = conv1(torch::silu(norm1(x)));
    h = h + time_emb_proj(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
    h = conv2(torch::silu(norm2(h)));
    return (conv_shortcut ? conv_shortcut(x) : x) + h;
}

AttentionImpl::AttentionImpl(int queryDim, int contextDim, int heads, Weights w)
    : heads_(heads), scale_(1.0 / std::sqrt(static_cast<double>(queryDim / heads))) {
    to_q = register_module("to_q", Linear(queryDim, queryDim, false, w));
    to_k = register_module("to_k", Linear(contextDim, queryDim, false, w));
    to_v = register_module("to_v", Linear(contextDim, queryDim, false, w));
    out = Linear(queryDim, queryDim, true, w);
    to_out = register_module("to_out", torch::nn::ModuleList());
    to_out->push_back(out);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const torch::Tensor& ctx = context.defined() ? context : x;
    const std::int64_t b = x.size(0), n = x.size(1), m = ctx.size(1), c = x.size(2);
    const std::int64_t d = c / heads_;
    // [B, N, heads*d] -> [B*heads, N, d] (diffusers head_to_batch_dim)
    const auto split = [&](const torch::Tensor& t, std::int64_t len) {
        return t.reshape({b, len, heads_, d}).permute({0, 2, 1, 3}).reshape({b * heads_, len, d});
    };
    const torch::Tensor q = split(to_q(x), n);
    const torch::Tensor k = split(to_k(ctx), m);
    const torch::Tensor v = split(to_v(ctx), m);
    const std::int64_t total = b * heads_;
    const std::int64_t group = std::max<std::int64_t>(1, std::min<std::int64_t>(total, scoreBudget / std::max<std::int64_t>(1, n * m)));
    torch::Tensor h;
    if (group >= total) {
        torch::Tensor scores = torch::baddbmm(torch::empty({total, n, m}, q.options()), q, k.transpose(1, 2), 0.0, scale_);
        h = torch::bmm(scores.softmax(-1), v);
    } else {
        h = torch::empty({total, n, d}, q.options());
        for (std::int64_t s = 0; s < total; s += group) {
            const std::int64_t e = std::min(total, s + group);
            const torch::Tensor qs = q.slice(0, s, e);
            torch::Tensor scores = torch::baddbmm(torch::empty({e - s, n, m}, q.options()), qs, k.slice(0, s, e).transpose(1, 2), 0.0, scale_);
            h.slice(0, s, e).copy_(torch::bmm(scores.softmax(-1), v.slice(0, s, e)));
        }
    }
    // [B*heads, N, d] -> [B, N, heads*d] (batch_to_head_dim)
    h = h.reshape({b, heads_, n, d}).permute({0, 2, 1, 3}).reshape({b, n, c});
    return out(h);
}

FeedForwardImpl::FeedForwardImpl(int dim, Weights w) {
    proj = Linear(dim, dim * 4 * 2, true, w);
    out = Linear(dim * 4, dim, true, w);
    net = register_module("net", torch::nn::ModuleList());
    net->push_back(holder("proj", proj.ptr()));
    net->push_back(torch::nn::Identity());  // dropout in diffusers: no tensors, keeps the index of net.2
    net->push_back(out);
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) {
    const std::vector<torch::Tensor> parts = proj(x).chunk(2, -1);
    return out(parts[0] * torch::gelu(parts[1]));
}

BasicTransformerBlockImpl::BasicTransformerBlockImpl(int dim, int heads, int contextDim, Weights w) {
    norm1 = register_module("norm1", LayerNorm(dim, 1e-5, w));
    attn1 = register_module("attn1", Attention(dim, dim, heads, w));
    norm2 = register_module("norm2", LayerNorm(dim, 1e-5, w));
    attn2 = register_module("attn2", Attention(dim, contextDim, heads, w));
    norm3 = register_module("norm3", LayerNorm(dim, 1e-5, w));
    ff = register_module("ff", FeedForward(dim, w));
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    torch::Tensor h = attn1(norm1(x), torch::Tensor()) + x;
    h = attn2(norm2(h), context) + h;
    return ff(norm3(h)) + h;
}

Transformer2DImpl::Transformer2DImpl(int channels, int heads, const UNetConfig& config, Weights w) {
    norm = register_module("norm", GroupNorm(config.normNumGroups, channels, 1e-6, w));
    if (config.useLinearProjection)
        proj_in_linear = register_module("proj_in", Linear(channels, channels, true, w));
    else
        proj_in_conv = register_module("proj_in", Conv2d(channels, channels, 1, 1, 0, w));
    transformer_blocks = register_module("transformer_blocks", torch::nn::ModuleList());
    for (int i = 0; i < config.transformerLayersPerBlock; ++i) {
        blocks.push_back(BasicTransformerBlock(channels, heads, config.crossAttentionDim, w));
        transformer_blocks->push_back(blocks.back());
    }
    if (config.useLinearProjection)
        proj_out_linear = register_module("proj_out", Linear(channels, channels, true, w));
    else
        proj_out_conv = register_module("proj_out", Conv2d(channels, channels, 1, 1, 0, w));
}

torch::Tensor Transformer2DImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const std::int64_t b = x.size(0), c = x.size(1), hgt = x.size(2), wid = x.size(3);
    torch::Tensor h = norm(x);
    if (proj_in_conv)
        h = proj_in_conv(h).permute({0, 2, 3, 1}).reshape({b, hgt * wid, c});
    else
        h = proj_in_linear(h.permute({0, 2, 3, 1}).reshape({b, hgt * wid, c}));
    for (auto& block : blocks)
        h = block(h, context);
    if (proj_out_conv)
        h = proj_out_conv(h.reshape({b, hgt, wid, c}).permute({0, 3, 1, 2}).contiguous());
    else
        h = proj_out_linear(h).reshape({b, hgt, wid, c}).permute({0, 3, 1, 2}).contiguous();
    return h + x;
}

DownBlockImpl::DownBlockImpl(int in, int out, bool crossAttention, bool downsample, int heads, const UNetConfig& config,
                             Weights w) {
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    torch::nn::ModuleList attentions{nullptr};
    if (crossAttention)
        attentions = register_module("attentions", torch::nn::ModuleList());
    for (int j = 0; j < config.layersPerBlock; ++j) {
        resnetList.push_back(ResnetBlock2D(j == 0 ? in : out, out, config.timeEmbedDim(), config.normNumGroups,
                                           config.normEps, w));
        resnets->push_back(resnetList.back());
        if (crossAttention) {
            attentionList.push_back(Transformer2D(out, heads, config, w));
            attentions->push_back(attentionList.back());
        }
    }
    if (downsample) {
        downsampler = Conv2d(out, out, 3, 2, 1, w);
        auto list = register_module("downsamplers", torch::nn::ModuleList());
        list->push_back(holder("conv", downsampler.ptr()));
    }
}

torch::Tensor DownBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                                     std::vector<torch::Tensor>& residuals) {
    for (std::size_t j = 0; j < resnetList.size(); ++j) {
        x = resnetList[j](x, temb);
        if (!attentionList.empty())
            x = attentionList[j](x, context);
        residuals.push_back(x);
    }
    if (downsampler) {
        x = downsampler(x);
        residuals.push_back(x);
    }
    return x;
}

MidBlockImpl::MidBlockImpl(int channels, const UNetConfig& config, Weights w) {
    auto attentions = register_module("attentions", torch::nn::ModuleList());
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    for (int j = 0; j < 2; ++j) {
        resnetList.push_back(ResnetBlock2D(channels, channels, config.timeEmbedDim(), config.normNumGroups, config.normEps, w));
        resnets->push_back(resnetList.back());
    }
    attentionList.push_back(Transformer2D(channels, config.attentionHeads.back(), config, w));
    attentions->push_back(attentionList.back());
}

torch::Tensor MidBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context) {
    x = resnetList[0](x, temb);
    x = attentionList[0](x, context);
    return resnetList[1](x, temb);
}

UpBlockImpl::UpBlockImpl(int in, int prevOut, int out, bool crossAttention, bool upsample, int heads,
                         const UNetConfig& config, Weights w) {
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    torch::nn::ModuleList attentions{nullptr};
    if (crossAttention)
        attentions = register_module("attentions", torch::nn::ModuleList());
    const int layers = config.layersPerBlock + 1;
    for (int j = 0; j < layers; ++j) {
        const int skip = j == layers - 1 ? in : out;
        const int resIn = j == 0 ? prevOut : out;
        resnetList.push_back(ResnetBlock2D(resIn + skip, out, config.timeEmbedDim(), config.normNumGroups, config.normEps, w));
        resnets->push_back(resnetList.back());
        if (crossAttention) {
            attentionList.push_back(Transformer2D(out, heads, config, w));
            attentions->push_back(attentionList.back());
        }
    }
    if (upsample) {
        upsampler = Conv2d(out, out, 3, 1, 1, w);
        auto list = register_module("upsamplers", torch::nn::ModuleList());
        list->push_back(holder("conv", upsampler.ptr()));
    }
}

torch::Tensor UpBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                                   std::vector<torch::Tensor>& skips, std::vector<std::int64_t> upsampleSize) {
    for (std::size_t j = 0; j < resnetList.size(); ++j) {
        x = torch::cat({x, skips.back()}, 1);
        skips.pop_back();
        x = resnetList[j](x, temb);
        if (!attentionList.empty())
            x = attentionList[j](x, context);
    }
    if (upsampler) {
        if (upsampleSize.empty())
            upsampleSize = {x.size(2) * 2, x.size(3) * 2};
        namespace F = torch::nn::functional;
        x = upsampler(F::interpolate(x, F::InterpolateFuncOptions().size(upsampleSize).mode(torch::kNearest)));
    }
    return x;
}

}  // namespace sem::diffusion::sd

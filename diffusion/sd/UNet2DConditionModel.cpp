#include "diffusion/sd/UNet2DConditionModel.h"

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace {

std::string sizesText(at::IntArrayRef s) {
    std::string t = "[";
    for (std::size_t i = 0; i < s.size(); ++i)
        t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

}  // namespace

torch::Tensor checkUNetInputs(const UNetConfig& config, const torch::Tensor& sample, const torch::Tensor& timestep,
                              const torch::Tensor& context, const std::string& what) {
    if (!sample.defined() || sample.dim() != 4 || sample.size(1) != config.inChannels || sample.size(0) < 1 ||
        sample.size(2) < 1 || sample.size(3) < 1)
        throw Error(what + ": the sample has the shape " + (sample.defined() ? sizesText(sample.sizes()) : "[]") +
                    ", expected [B, " + std::to_string(config.inChannels) + ", h, w].");
    const std::int64_t b = sample.size(0);
    if (!context.defined() || context.dim() != 3 || context.size(0) != b || context.size(2) != config.crossAttentionDim ||
        context.size(1) < 1)
        throw Error(what + ": the encoder hidden states have the shape " +
                    (context.defined() ? sizesText(context.sizes()) : "[]") + ", expected [" + std::to_string(b) +
                    ", L, " + std::to_string(config.crossAttentionDim) + "].");
    if (!timestep.defined() || timestep.dim() > 1 || (timestep.dim() == 1 && timestep.size(0) != b && timestep.size(0) != 1))
        throw Error(what + ": the timestep must be one value or one per batch entry (" + std::to_string(b) + ").");
    return timestep.to(torch::kFloat).reshape({-1}).expand({b});
}

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNetConfig& config, Weights w) : config_(config) {
    config_.validate("unet");
    const auto& ch = config.blockOutChannels;
    const int n = config.blockCount();
    conv_in = register_module("conv_in", Conv2d(config.inChannels, ch[0], 3, 1, 1, w));
    time_embedding = register_module("time_embedding", TimestepEmbedding(ch[0], config.timeEmbedDim(), w));
    auto down = register_module("down_blocks", torch::nn::ModuleList());
    int out = ch[0];
    for (int i = 0; i < n; ++i) {
        const int in = out;
        out = ch[static_cast<std::size_t>(i)];
        downBlocks.push_back(DownBlock(in, out, config.crossAttentionDown[static_cast<std::size_t>(i)], i < n - 1,
                                       config.attentionHeads[static_cast<std::size_t>(i)], config, w));
        down->push_back(downBlocks.back());
    }
    mid_block = register_module("mid_block", MidBlock(ch.back(), config, w));
    auto up = register_module("up_blocks", torch::nn::ModuleList());
    int prev = ch.back();
    out = ch.back();
    for (int i = 0; i < n; ++i) {
        const std::size_t r = static_cast<std::size_t>(n - 1 - i);  // the mirrored down block
        prev = out;
        out = ch[r];
        const int in = ch[static_cast<std::size_t>(std::max(0, n - 2 - i))];
        upBlocks.push_back(UpBlock(in, prev, out, config.crossAttentionDown[r], i < n - 1, config.attentionHeads[r],
                                   config, w));
        up->push_back(upBlocks.back());
    }
    conv_norm_out = register_module("conv_norm_out", GroupNorm(config.normNumGroups, ch[0], config.normEps, w));
    conv_out = register_module("conv_out", Conv2d(ch[0], config.outChannels, 3, 1, 1, w));
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                                                const torch::Tensor& context,
                                                const std::vector<torch::Tensor>& downResiduals,
                                                const torch::Tensor& midResidual) {
    const torch::Tensor t = checkUNetInputs(config_, sample, timestep, context, "unet");
    const bool control = !downResiduals.empty() || midResidual.defined();
    if (control && (static_cast<int>(downResiduals.size()) != config_.residualCount() || !midResidual.defined()))
        throw Error("unet: the ControlNet gave " + std::to_string(downResiduals.size()) + " down residuals" +
                    (midResidual.defined() ? "" : " and no mid residual") + ", expected " +
                    std::to_string(config_.residualCount()) + " and a mid residual.");
    const torch::Tensor temb =
        time_embedding(timestepFeatures(t, config_.blockOutChannels[0], config_.flipSinToCos, config_.freqShift));

    torch::Tensor x = conv_in(sample);
    std::vector<torch::Tensor> skips{x};
    for (auto& block : downBlocks)
        x = block(x, temb, context, skips);
    if (control) {
        for (std::size_t i = 0; i < skips.size(); ++i) {
            if (downResiduals[i].sizes() != skips[i].sizes())
                throw Error("unet: the ControlNet's down residual " + std::to_string(i) + " has the shape " +
                            sizesText(downResiduals[i].sizes()) + ", expected " + sizesText(skips[i].sizes()) + ".");
            skips[i] = skips[i] + downResiduals[i];
        }
    }
    x = mid_block(x, temb, context);
    if (control) {
        if (midResidual.sizes() != x.sizes())
            throw Error("unet: the ControlNet's mid residual has the shape " + sizesText(midResidual.sizes()) +
                        ", expected " + sizesText(x.sizes()) + ".");
        x = x + midResidual;
    }
    // With sizes that do not halve evenly, every upsampler goes to the size of the skip it meets next.
    const std::int64_t factor = std::int64_t{1} << (config_.blockCount() - 1);
    const bool explicitSize = sample.size(2) % factor != 0 || sample.size(3) % factor != 0;
    for (std::size_t i = 0; i < upBlocks.size(); ++i) {
        std::vector<std::int64_t> size;
        const std::size_t remaining = skips.size() - static_cast<std::size_t>(config_.layersPerBlock + 1);
        if (explicitSize && i + 1 < upBlocks.size())
            size = {skips[remaining - 1].size(2), skips[remaining - 1].size(3)};
        x = upBlocks[i](x, temb, context, skips, size);
    }
    return conv_out(torch::silu(conv_norm_out(x)));
}

}  // namespace sem::diffusion::sd

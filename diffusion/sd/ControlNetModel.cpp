#include "diffusion/sd/ControlNetModel.h"

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/UNet2DConditionModel.h"

namespace sem::diffusion::sd {

ControlNetConditioningEmbeddingImpl::ControlNetConditioningEmbeddingImpl(int conditioningChannels,
                                                                         const std::vector<int>& ch, int outChannels,
                                                                         Weights w) {
    conv_in = register_module("conv_in", Conv2d(conditioningChannels, ch.front(), 3, 1, 1, w));
    auto blocks = register_module("blocks", torch::nn::ModuleList());
    for (std::size_t i = 0; i + 1 < ch.size(); ++i) {
        blockList.push_back(Conv2d(ch[i], ch[i], 3, 1, 1, w));
        blockList.push_back(Conv2d(ch[i], ch[i + 1], 3, 2, 1, w));
    }
    for (auto& b : blockList)
        blocks->push_back(b);
    conv_out = register_module("conv_out", Conv2d(ch.back(), outChannels, 3, 1, 1, w));
}

torch::Tensor ControlNetConditioningEmbeddingImpl::forward(const torch::Tensor& image) {
    torch::Tensor x = torch::silu(conv_in(image));
    for (auto& b : blockList)
        x = torch::silu(b(x));
    return conv_out(x);
}

ControlNetModelImpl::ControlNetModelImpl(const UNetConfig& config, Weights w) : config_(config) {
    if (config.kind != UNetConfig::Kind::ControlNet)
        throw Error("controlnet: the configuration is a UNet's, not a ControlNet's.");
    config_.validate("controlnet");
    const auto& ch = config.blockOutChannels;
    const int n = config.blockCount();
    conv_in = register_module("conv_in", Conv2d(config.inChannels, ch[0], 3, 1, 1, w));
    time_embedding = register_module("time_embedding", TimestepEmbedding(ch[0], config.timeEmbedDim(), w));
    controlnet_cond_embedding = register_module(
        "controlnet_cond_embedding",
        ControlNetConditioningEmbedding(config.conditioningChannels, config.conditioningEmbeddingOutChannels, ch[0], w));
    auto down = register_module("down_blocks", torch::nn::ModuleList());
    auto zero = register_module("controlnet_down_blocks", torch::nn::ModuleList());
    zeroConvs.push_back(Conv2d(ch[0], ch[0], 1, 1, 0, w));
    int out = ch[0];
    for (int i = 0; i < n; ++i) {
        const int in = out;
        out = ch[static_cast<std::size_t>(i)];
        downBlocks.push_back(DownBlock(in, out, config.crossAttentionDown[static_cast<std::size_t>(i)], i < n - 1,
                                       config.attentionHeads[static_cast<std::size_t>(i)], config, w));
        down->push_back(downBlocks.back());
        const int convs = config.layersPerBlock + (i < n - 1 ? 1 : 0);
        for (int j = 0; j < convs; ++j)
            zeroConvs.push_back(Conv2d(out, out, 1, 1, 0, w));
    }
    for (auto& z : zeroConvs)
        zero->push_back(z);
    mid_block = register_module("mid_block", MidBlock(ch.back(), config, w));
    controlnet_mid_block = register_module("controlnet_mid_block", Conv2d(ch.back(), ch.back(), 1, 1, 0, w));
}

ControlNetResiduals ControlNetModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                                                 const torch::Tensor& context, const torch::Tensor& controlImage,
                                                 double scale) {
    const torch::Tensor t = checkUNetInputs(config_, sample, timestep, context, "controlnet");
    const std::int64_t s = config_.conditioningDownscale();
    if (!controlImage.defined() || controlImage.dim() != 4 || controlImage.size(0) != sample.size(0) ||
        controlImage.size(1) != config_.conditioningChannels || controlImage.size(2) != sample.size(2) * s ||
        controlImage.size(3) != sample.size(3) * s)
        throw Error("controlnet: the control image must be [" + std::to_string(sample.size(0)) + ", " +
                    std::to_string(config_.conditioningChannels) + ", " + std::to_string(sample.size(2) * s) + ", " +
                    std::to_string(sample.size(3) * s) + "] (" + std::to_string(s) + " times the latent size).");
    const torch::Tensor image = config_.bgrConditioning ? controlImage.flip({1}) : controlImage;
    const torch::Tensor temb =
        time_embedding(timestepFeatures(t, config_.blockOutChannels[0], config_.flipSinToCos, config_.freqShift));

    torch::Tensor x = conv_in(sample) + controlnet_cond_embedding(image.to(torch::kFloat));
    std::vector<torch::Tensor> skips{x};
    for (auto& block : downBlocks)
        x = block(x, temb, context, skips);
    x = mid_block(x, temb, context);

    ControlNetResiduals r;
    for (std::size_t i = 0; i < skips.size(); ++i)
        r.down.push_back(zeroConvs[i](skips[i]) * scale);
    r.mid = controlnet_mid_block(x) * scale;
    return r;
}

}  // namespace sem::diffusion::sd

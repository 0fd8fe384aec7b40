#pragma once
// diffusers' ControlNetModel (SD 1.x/2.x shape; torch types: internal to the family). Parameter names are
// diffusers' state_dict names (controlnet_cond_embedding.*, controlnet_down_blocks.*, controlnet_mid_block.*).
#include <vector>

#include <torch/torch.h>

#include "diffusion/sd/Layers.h"
#include "diffusion/sd/UNetBlocks.h"
#include "diffusion/sd/UNetConfig.h"

namespace sem::diffusion::sd {

// conv_in + silu, pairs of convs (the second of each with stride 2) + silu, conv_out (a zero conv in training).
class ControlNetConditioningEmbeddingImpl : public torch::nn::Module {
public:
    ControlNetConditioningEmbeddingImpl(int conditioningChannels, const std::vector<int>& channels, int outChannels,
                                        Weights w);
    torch::Tensor forward(const torch::Tensor& image);
    Conv2d conv_in{nullptr}, conv_out{nullptr};
    std::vector<Conv2d> blockList;
};
TORCH_MODULE(ControlNetConditioningEmbedding);

struct ControlNetResiduals {
    std::vector<torch::Tensor> down;  // config.residualCount() tensors, in the UNet's skip order
    torch::Tensor mid;
};

class ControlNetModelImpl : public torch::nn::Module {
public:
    explicit ControlNetModelImpl(const UNetConfig& config, Weights weights = Weights::Initialised);

    // controlImage [B, conditioning_channels, h*s, w*s] with s = config.conditioningDownscale() (values 0..1;
    // RGB, flipped here when the configuration says bgr). Every residual is multiplied by conditioningScale.
    // Throws Error("controlnet: ...") on shapes that do not fit.
    ControlNetResiduals forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                                const torch::Tensor& encoderHiddenStates, const torch::Tensor& controlImage,
                                double conditioningScale = 1.0);

    const UNetConfig& config() const { return config_; }

    Conv2d conv_in{nullptr}, controlnet_mid_block{nullptr};
    TimestepEmbedding time_embedding{nullptr};
    ControlNetConditioningEmbedding controlnet_cond_embedding{nullptr};
    MidBlock mid_block{nullptr};
    std::vector<DownBlock> downBlocks;
    std::vector<Conv2d> zeroConvs;

private:
    UNetConfig config_;
};
TORCH_MODULE(ControlNetModel);

}  // namespace sem::diffusion::sd

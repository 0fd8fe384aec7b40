#pragma once
// diffusers' UNet2DConditionModel in the Stable Diffusion 1.x/2.x shape (torch types: internal to the family).
// Parameter names are diffusers' state_dict names, so a diffusers folder loads by name (loadStateDict).
#include <vector>

#include <torch/torch.h>

#include "diffusion/sd/Layers.h"
#include "diffusion/sd/UNetBlocks.h"
#include "diffusion/sd/UNetConfig.h"

namespace sem::diffusion::sd {

class UNet2DConditionModelImpl : public torch::nn::Module {
public:
    // Weights::Meta builds the names and shapes only (nothing allocated; the module cannot run).
    explicit UNet2DConditionModelImpl(const UNetConfig& config, Weights weights = Weights::Initialised);

    // sample [B, in, h, w], timestep [B] (or one value for all), encoderHiddenStates [B, L, cross_attention_dim];
    // the optional ControlNet residuals (config.residualCount() down residuals, and the mid one) are added to
    // the skips and to the mid block's output. Returns [B, out, h, w]. Throws Error("unet: ...") on shapes
    // that do not fit.
    torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                          const torch::Tensor& encoderHiddenStates,
                          const std::vector<torch::Tensor>& downResiduals = {},
                          const torch::Tensor& midResidual = {});

    const UNetConfig& config() const { return config_; }

    Conv2d conv_in{nullptr}, conv_out{nullptr};
    TimestepEmbedding time_embedding{nullptr};
    MidBlock mid_block{nullptr};
    GroupNorm conv_norm_out{nullptr};
    std::vector<DownBlock> downBlocks;
    std::vector<UpBlock> upBlocks;

private:
    UNetConfig config_;
};
TORCH_MODULE(UNet2DConditionModel);

// Checks the shapes of the UNet/ControlNet inputs against the configuration; throws Error("<what>: ...").
// Returns the timesteps broadcast to the batch ([B] float).
torch::Tensor checkUNetInputs(const UNetConfig& config, const torch::Tensor& sample, const torch::Tensor& timestep,
                              const torch::Tensor& encoderHiddenStates, const std::string& what);

}  // namespace sem::diffusion::sd

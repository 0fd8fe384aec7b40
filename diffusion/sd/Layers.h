#pragma once
// The leaf layers of the Stable Diffusion modules (torch types: internal to the family). Their parameters
// are named "weight"/"bias" as in torch.nn, and they compute with the same ATen functions as torch.nn
// (conv2d, linear, group_norm, layer_norm), so the numerics are those of the reference. Unlike
// torch::nn's layers they can be built on the meta device: names and shapes only, nothing allocated
// (the full-size manifest check builds a 3.4 GB UNet that way).
#include <torch/torch.h>

namespace sem::diffusion::sd {

// How a module's parameters are created.
enum class Weights {
    Initialised,  // allocated on the CPU with torch.nn's default initialisation (then usually loaded)
    Meta,         // on the meta device: shapes without storage; the module cannot run
};

class Conv2dImpl : public torch::nn::Module {
public:
    Conv2dImpl(int in, int out, int kernel, int stride, int padding, Weights weights);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;

private:
    int stride_, padding_;
};
TORCH_MODULE(Conv2d);

class LinearImpl : public torch::nn::Module {
public:
    LinearImpl(int in, int out, bool bias, Weights weights);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;
};
TORCH_MODULE(Linear);

class GroupNormImpl : public torch::nn::Module {
public:
    GroupNormImpl(int groups, int channels, double eps, Weights weights);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;

private:
    int groups_;
    double eps_;
};
TORCH_MODULE(GroupNorm);

class LayerNormImpl : public torch::nn::Module {
public:
    LayerNormImpl(int channels, double eps, Weights weights);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;

private:
    int channels_;
    double eps_;
};
TORCH_MODULE(LayerNorm);

}  // namespace sem::diffusion::sd

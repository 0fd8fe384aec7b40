#pragma once
// Minimal parameter-holding layers for the SD family's ported modules (torch types; internal). They
// hold exactly the parameters of their PyTorch namesakes ("weight", "bias"), call the functional op in
// forward, and can skip initialisation: a module that is about to be loaded from a file, or only
// compared with a manifest, need not fill 500 MB with random numbers first.
#include <cstdint>

#include <torch/torch.h>

namespace sem::diffusion::sd {

// Random: a small deterministic-enough init (normal weights, zero biases, unit norm scales), for
// tests that need finite numbers. Uninitialised: torch::empty (load weights before any forward).
enum class ModuleInit { Random, Uninitialised };

namespace plain {

class LinearImpl : public torch::nn::Module {
public:
    LinearImpl(std::int64_t in, std::int64_t out, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;  // [out, in], [out]
};
TORCH_MODULE(Linear);

class Conv2dImpl : public torch::nn::Module {
public:
    Conv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
               ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;  // [out, in, k, k], [out]

private:
    std::int64_t stride_, padding_;
};
TORCH_MODULE(Conv2d);

class GroupNormImpl : public torch::nn::Module {
public:
    GroupNormImpl(std::int64_t groups, std::int64_t channels, double eps, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;  // [channels]

private:
    std::int64_t groups_;
    double eps_;
};
TORCH_MODULE(GroupNorm);

class LayerNormImpl : public torch::nn::Module {
public:
    LayerNormImpl(std::int64_t width, double eps, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor weight, bias;  // [width]

private:
    std::int64_t width_;
    double eps_;
};
TORCH_MODULE(LayerNorm);

class EmbeddingImpl : public torch::nn::Module {
public:
    EmbeddingImpl(std::int64_t count, std::int64_t width, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& ids) const;  // int64 ids -> [..., width]
    torch::Tensor weight;                                    // [count, width]
};
TORCH_MODULE(Embedding);

}  // namespace plain
}  // namespace sem::diffusion::sd

#include "diffusion/sd/Layers.h"

#include <cmath>

namespace sem::diffusion::sd {

namespace {

torch::TensorOptions options(Weights w) {
    return w == Weights::Meta ? torch::TensorOptions().dtype(torch::kFloat).device(c10::Device(c10::DeviceType::Meta))
                              : torch::TensorOptions().dtype(torch::kFloat);
}

// torch.nn's default for Conv2d and Linear: weight and bias uniform in +-1/sqrt(fan_in) (kaiming_uniform
// with a = sqrt(5) gives the same bound for the weight).
torch::Tensor uniform(at::IntArrayRef shape, std::int64_t fanIn, Weights w) {
    torch::Tensor t = torch::empty(shape, options(w));
    if (w == Weights::Initialised) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
        torch::nn::init::uniform_(t, -bound, bound);  // (not Tensor::uniform_: its inlined optional<Generator> warns under ASan)
    }
    return t;
}

torch::Tensor filled(std::int64_t n, double value, Weights w) {
    return w == Weights::Meta ? torch::empty({n}, options(w)) : torch::full({n}, value, options(w));
}

}  // namespace

Conv2dImpl::Conv2dImpl(int in, int out, int kernel, int stride, int padding, Weights w)
    : stride_(stride), padding_(padding) {
    const std::int64_t fanIn = static_cast<std::int64_t>(in) * kernel * kernel;
    weight = register_parameter("weight", uniform({out, in, kernel, kernel}, fanIn, w));
    bias = register_parameter("bias", uniform({out}, fanIn, w));
}

torch::Tensor Conv2dImpl::forward(const torch::Tensor& x) const {
    return torch::conv2d(x, weight, bias, {stride_, stride_}, {padding_, padding_});
}

LinearImpl::LinearImpl(int in, int out, bool withBias, Weights w) {
    weight = register_parameter("weight", uniform({out, in}, in, w));
    if (withBias)
        bias = register_parameter("bias", uniform({out}, in, w));
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) const { return torch::linear(x, weight, bias); }

GroupNormImpl::GroupNormImpl(int groups, int channels, double eps, Weights w) : groups_(groups), eps_(eps) {
    weight = register_parameter("weight", filled(channels, 1.0, w));
    bias = register_parameter("bias", filled(channels, 0.0, w));
}

torch::Tensor GroupNormImpl::forward(const torch::Tensor& x) const {
    return torch::group_norm(x, groups_, weight, bias, eps_);
}

LayerNormImpl::LayerNormImpl(int channels, double eps, Weights w) : channels_(channels), eps_(eps) {
    weight = register_parameter("weight", filled(channels, 1.0, w));
    bias = register_parameter("bias", filled(channels, 0.0, w));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) const {
    return torch::layer_norm(x, {channels_}, weight, bias, eps_);
}

}  // namespace sem::diffusion::sd

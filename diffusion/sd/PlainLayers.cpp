#include "diffusion/sd/PlainLayers.h"

#include <cmath>

namespace sem::diffusion::sd::plain {

namespace {

torch::Tensor make(at::IntArrayRef shape, ModuleInit init, double std, double fill) {
    if (init == ModuleInit::Uninitialised)
        return torch::empty(shape);
    if (std > 0.0)
        return torch::randn(shape) * std;
    return torch::full(shape, fill);
}

}  // namespace

LinearImpl::LinearImpl(std::int64_t in, std::int64_t out, ModuleInit init) {
    weight = register_parameter("weight", make({out, in}, init, 1.0 / std::sqrt(static_cast<double>(in)), 0.0));
    bias = register_parameter("bias", make({out}, init, 0.0, 0.0));
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) const {
    return torch::linear(x, weight, bias);
}

Conv2dImpl::Conv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                       std::int64_t padding, ModuleInit init)
    : stride_(stride), padding_(padding) {
    const double fanIn = static_cast<double>(in * kernel * kernel);
    weight = register_parameter("weight", make({out, in, kernel, kernel}, init, 1.0 / std::sqrt(fanIn), 0.0));
    bias = register_parameter("bias", make({out}, init, 0.0, 0.0));
}

torch::Tensor Conv2dImpl::forward(const torch::Tensor& x) const {
    return torch::conv2d(x, weight, bias, {stride_, stride_}, {padding_, padding_});
}

GroupNormImpl::GroupNormImpl(std::int64_t groups, std::int64_t channels, double eps, ModuleInit init)
    : groups_(groups), eps_(eps) {
    weight = register_parameter("weight", make({channels}, init, 0.0, 1.0));
    bias = register_parameter("bias", make({channels}, init, 0.0, 0.0));
}

torch::Tensor GroupNormImpl::forward(const torch::Tensor& x) const {
    return torch::group_norm(x, groups_, weight, bias, eps_);
}

LayerNormImpl::LayerNormImpl(std::int64_t width, double eps, ModuleInit init) : width_(width), eps_(eps) {
    weight = register_parameter("weight", make({width}, init, 0.0, 1.0));
    bias = register_parameter("bias", make({width}, init, 0.0, 0.0));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) const {
    return torch::layer_norm(x, {width_}, weight, bias, eps_);
}

EmbeddingImpl::EmbeddingImpl(std::int64_t count, std::int64_t width, ModuleInit init) {
    weight = register_parameter("weight", make({count, width}, init, 0.02, 0.0));
}

torch::Tensor EmbeddingImpl::forward(const torch::Tensor& ids) const {
    return torch::embedding(weight, ids);
}

}  // namespace sem::diffusion::sd::plain

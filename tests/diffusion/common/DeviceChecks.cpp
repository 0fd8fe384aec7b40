#include "DeviceChecks.h"

#include <torch/torch.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/common/Device.h"

namespace sem::diffusion::checks {

double cpuConvolutionError(int channels) {
    namespace F = torch::nn::functional;
    torch::NoGradGuard noGrad;
    resolveDevice("cpu");
    torch::manual_seed(7);
    const torch::Tensor x = torch::randn({2, channels, 8, 8}, torch::kDouble);
    const torch::Tensor w = torch::randn({16, channels, 3, 3}, torch::kDouble);
    const torch::Tensor b = torch::randn({16}, torch::kDouble);
    const auto options = [](const torch::Tensor& bias) { return F::Conv2dFuncOptions().bias(bias).padding(1); };
    const torch::Tensor ref = F::conv2d(x, w, options(b));
    const torch::Tensor got = F::conv2d(x.to(torch::kFloat), w.to(torch::kFloat), options(b.to(torch::kFloat)));
    return ((got.to(torch::kDouble) - ref).abs().max() / ref.abs().max()).item<double>();
}

bool guardIsStable() {
    const bool first = guardCpuConvolutions();
    const bool second = guardCpuConvolutions();
    return first == second && (first || !at::globalContext().userEnabledMkldnn());
}

std::string resolveDeviceError(const std::string& name) {
    try {
        resolveDevice(name);
        return {};
    } catch (const Error& e) {
        return e.what();
    }
}

bool cudaAvailable() { return torch::cuda::is_available(); }

}  // namespace sem::diffusion::checks

#include "diffusion/common/Device.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion {

int defaultCpuThreads() {
    if (const char* env = std::getenv("OMP_NUM_THREADS")) {
        char* end = nullptr;
        const long n = std::strtol(env, &end, 10);
        if (end != env && *end == '\0' && n > 0 && n <= 1024)
            return static_cast<int>(n);
    }
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

namespace {

bool oneDnnConvolutionIsRight() {
    namespace F = torch::nn::functional;
    torch::NoGradGuard noGrad;
    // Fixed values (the global generator is left alone): batch 2, 23 input channels (a multiple of
    // neither 8 nor 16), 8x8, 16 outputs, 3x3, padding 1, as in the failing UNet block.
    const auto wave = [](std::int64_t n, double step) {
        return torch::sin(torch::arange(n, torch::TensorOptions().dtype(torch::kDouble)) * step);
    };
    const torch::Tensor x = wave(2 * 23 * 8 * 8, 0.37).view({2, 23, 8, 8});
    const torch::Tensor w = wave(16 * 23 * 3 * 3, 0.61).view({16, 23, 3, 3});
    const torch::Tensor ref = F::conv2d(x, w, F::Conv2dFuncOptions().padding(1));  // double: no oneDNN
    const torch::Tensor got = F::conv2d(x.to(torch::kFloat), w.to(torch::kFloat), F::Conv2dFuncOptions().padding(1));
    return ((got.to(torch::kDouble) - ref).abs().max() / ref.abs().max()).item<double>() < 1e-4;
}

}  // namespace

bool guardCpuConvolutions() {
    static std::once_flag once;
    static bool right = true;
    std::call_once(once, [] {
        if (!at::globalContext().userEnabledMkldnn() || oneDnnConvolutionIsRight())
            return;
        right = false;
        at::globalContext().setUserEnabledMkldnn(false);
        TORCH_WARN("semcompress: this LibTorch's oneDNN computed a float32 test convolution wrongly on this CPU; "
                   "oneDNN is off for this process (LibTorch's own CPU kernels: slower, right).");
    });
    return right;
}

torch::Device resolveDevice(const std::string& name) {
    if (name == "cpu") {
        guardCpuConvolutions();
        return torch::Device(torch::kCPU);
    }
    if (name == "cuda" || name == "auto") {
        if (torch::cuda::is_available())
            return torch::Device(torch::kCUDA, 0);
        if (name == "cuda")
            throw Error("device: CUDA was requested but no CUDA device is available.");
        guardCpuConvolutions();
        return torch::Device(torch::kCPU);
    }
    throw Error("device: unknown device '" + name + "' (use auto, cpu or cuda).");
}

}  // namespace sem::diffusion

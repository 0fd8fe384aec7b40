#include "diffusion/common/Device.h"

#include <algorithm>
#include <cstdlib>
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

torch::Device resolveDevice(const std::string& name) {
    if (name == "cpu")
        return torch::Device(torch::kCPU);
    if (name == "cuda" || name == "auto") {
        if (torch::cuda::is_available())
            return torch::Device(torch::kCUDA, 0);
        if (name == "cuda")
            throw Error("device: CUDA was requested but no CUDA device is available.");
        return torch::Device(torch::kCPU);
    }
    throw Error("device: unknown device '" + name + "' (use auto, cpu or cuda).");
}

}  // namespace sem::diffusion

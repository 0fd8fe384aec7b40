#pragma once
// Internal to semdiffusion (torch types): not included by the CLI or the GUI.
#include <string>
#include <torch/torch.h>

namespace sem::diffusion {

// "cpu", "cuda" or "auto" (CUDA when available, else CPU) to a torch device; throws Error for an
// unknown name or for "cuda" without a CUDA device.
torch::Device resolveDevice(const std::string& name);

// CPU threads for LibTorch when the caller did not choose: OMP_NUM_THREADS when it holds a positive
// number (the tests set 1: several torch processes at once on a small machine otherwise spin in
// OpenMP barriers), else every core.
int defaultCpuThreads();

}  // namespace sem::diffusion

#pragma once
// Internal to semdiffusion (torch types): not included by the CLI or the GUI.
#include <string>
#include <torch/torch.h>

namespace sem::diffusion {

// "cpu", "cuda" or "auto" (CUDA when available, else CPU) to a torch device; throws Error for an
// unknown name or for "cuda" without a CUDA device.
// Also runs guardCpuConvolutions() when the result is the CPU.
torch::Device resolveDevice(const std::string& name);

// Once per process: one small float32 convolution through oneDNN (LibTorch's CPU convolutions)
// against the same in double precision. Debian 13's LibTorch 2.6 with its oneDNN 3.7.2 gets 3x3
// convolutions of a batch above 1 wrong when the input channels are not a multiple of the vector
// width (measured on an AMD EPYC with AVX-512: batch 2, 24 channels, 0.48 of the output's range off;
// with oneDNN held to AVX2, 23 or 25 channels; docs/bench/libtorch2.md). On a mismatch oneDNN is
// turned off for the process (LibTorch's own kernels: slower, right) with one warning on stderr.
// Returns false then.
bool guardCpuConvolutions();

// CPU threads for LibTorch when the caller did not choose: OMP_NUM_THREADS when it holds a positive
// number (the tests set 1: several torch processes at once on a small machine otherwise spin in
// OpenMP barriers), else every core.
int defaultCpuThreads();

}  // namespace sem::diffusion

#pragma once
#include <memory>
#include <string>

#include "diffusion/Backend.h"
#include "diffusion/ModelFamily.h"

namespace sem::diffusion {

// Opens the model at `path` with the family its files name (detectModelFamily) on `device`
// ("auto": CUDA when available, "cpu" or "cuda"). Throws Error naming the problem; never returns a
// half-loaded model.
std::unique_ptr<Backend> openBackend(const std::string& path, const std::string& device = "auto");

}  // namespace sem::diffusion

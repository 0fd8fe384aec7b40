#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "diffusion/Backend.h"
#include "diffusion/ModelFamily.h"

namespace sem::diffusion {

struct BackendOptions {
    // Stable Diffusion: a ControlNet (diffusers folder or single file) that replaces the model's own.
    std::string controlnet;
    // Stable Diffusion: the program's bpe_simple_vocab_16e6.txt.gz, for models without a tokenizer.
    std::string clipVocabulary;
    // Called before each part of the model is read (on the loading thread).
    LoadCallback loadProgress;
    // Checked between parts: loading stops with Cancelled when it becomes true.
    const std::atomic<bool>* cancel = nullptr;
};

// Opens the model at `path` with the family its files name (detectModelFamily) on `device`
// ("auto": CUDA when available, "cpu" or "cuda"). Throws Error naming the problem; never returns a
// half-loaded model.
std::unique_ptr<Backend> openBackend(const std::string& path, const std::string& device = "auto",
                                     const BackendOptions& options = {});

}  // namespace sem::diffusion

#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "diffusion/Backend.h"
#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/ModelConfig.h"

namespace sem::diffusion {

class EngineImpl;

// The built-in model family: a small conditional pixel-space diffusion U-Net plus its word-level text
// encoder, shipped in models/default and trained by `semc train` (LibTorch inside, nothing of it in
// this header). Not thread-safe: one decode at a time per engine.
class BuiltinEngine : public Backend {
public:
    BuiltinEngine();
    ~BuiltinEngine() override;

    // `path`: a directory holding model.safetensors + model.json, or a .safetensors file with the
    // .json of the same stem beside it. `device`: "auto" (CUDA if available), "cpu" or "cuda".
    void load(const std::string& path, const std::string& device = "auto");
    // A model with random weights (deterministic for a seed): for tests, benchmarks and training.
    void createRandom(const ModelCard& card, std::uint64_t seed, const std::string& device = "auto");
    // Writes <directory>/model.safetensors and <directory>/model.json (directory is created).
    void save(const std::string& directory) const;

    bool isLoaded() const;
    // 16 hex digits: FNV-1a 64 over the safetensors data region (float32 tensors in name order
    // for a model created in memory, which equals the hash of the file save() writes).
    std::string modelId() const override;
    std::string family() const override { return "built-in"; }
    std::string deviceName() const override;  // "cpu" or "cuda:0"
    const ModelCard& card() const;
    std::int64_t parameterCount() const override;
    // Peak memory budget for automatic tiling (default 1.5 GB).
    void setMemoryBudgetBytes(std::uint64_t bytes) override;

    // Throws Error on invalid conditions/settings, Cancelled when *cancel becomes true (checked
    // before every network evaluation, so within one step).
    ImageRgb decode(const Conditions& conditions, const SamplerSettings& settings,
                    const PreviewCallback& callback = {}, int previewEvery = 5,
                    const std::atomic<bool>* cancel = nullptr) override;
    // One network batch for all the images per step (BatchDecode).
    std::vector<ImageRgb> decodeBatch(const std::vector<const Conditions*>& conditions, const SamplerSettings& settings,
                                      const std::vector<std::uint64_t>& seeds, const PreviewCallback& callback = {},
                                      int previewEvery = 5, const std::atomic<bool>* cancel = nullptr) override;
    // Images of this size that one untiled evaluation holds within the memory budget (0: one
    // image alone is tiled).
    int batchCapacity(int width, int height, const SamplerSettings& settings) const override;
    DecodeStats lastStats() const override;

private:
    std::unique_ptr<EngineImpl> impl_;
};

}  // namespace sem::diffusion

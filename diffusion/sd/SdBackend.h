#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "diffusion/Backend.h"
#include "diffusion/sd/SdModelParts.h"

namespace sem::diffusion::sd {

struct SdModules;

// The Stable Diffusion 1.x + ControlNet family behind the engine's API: the caption drives the text
// encoder, the edge map the ControlNet (the control image prepared at the working size), the colour
// hint the start (img2img at the strength) and the colour correction; the VAE decodes at the working
// size and the result is resized to the output size. No torch type in this header.
class SdBackend : public Backend {
public:
    // Loads every part of `parts` (validated before any module is returned) on `device` ("auto",
    // "cpu", "cuda"): CUDA in fp16, the CPU in fp32 with all cores. `clipVocabulary`: the shipped
    // bpe_simple_vocab_16e6.txt.gz, used when the model has no tokenizer of its own. Throws Error.
    // `progress` and `cancel`: as loadSdModules (SdLoader.h).
    SdBackend(const SdModelParts& parts, const std::string& device, const std::string& clipVocabulary,
              const LoadCallback& progress = {}, const std::atomic<bool>* cancel = nullptr);
    ~SdBackend() override;

    std::string family() const override { return "sd1"; }
    std::string modelId() const override { return modelId_; }
    std::string deviceName() const override;
    std::int64_t parameterCount() const override;
    void setMemoryBudgetBytes(std::uint64_t bytes) override { memoryBudget_ = bytes; }
    bool hasControlNet() const;
    // A generous estimate of the peak memory (bytes) of a decode of a width x height image at the
    // working size `workSize`: the weights, then the larger of the guided UNet + ControlNet step
    // (the finest attention level's scores, one head group at a time; the skip connections) and the
    // VAE decode (tiled when it exceeds the budget), plus 1 GB for the program itself.
    std::uint64_t peakBytes(int width, int height, int workSize) const;
    const SdModelParts& parts() const { return parts_; }

    ImageRgb decode(const Conditions& conditions, const SamplerSettings& settings,
                    const PreviewCallback& callback = {}, int previewEvery = 5,
                    const std::atomic<bool>* cancel = nullptr) override;
    DecodeStats lastStats() const override { return stats_; }

private:
    // Whether the VAE of an h x w latent runs in tiles: when the whole would exceed the budget.
    bool vaeTiled(std::int64_t h, std::int64_t w) const;

    SdModelParts parts_;
    std::string modelId_;
    std::unique_ptr<SdModules> modules_;
    std::string device_;
    std::uint64_t memoryBudget_ = 6ull << 30;
    DecodeStats stats_;
};

}  // namespace sem::diffusion::sd

#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "diffusion/DecodeTypes.h"

namespace sem::diffusion {

// One model family behind the engine's API: a loaded decoder model that turns conditions and
// sampler settings into an image. Implementations hold their tensors privately (no torch type in
// this header). Not thread-safe: one decode at a time per backend. Open one with openBackend()
// (diffusion/BackendFactory.h).
class Backend {
public:
    virtual ~Backend() = default;
    Backend() = default;
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    // The family's short name, as `semc info` and the app show it ("built-in", "sd1").
    virtual std::string family() const = 0;
    // 16 hex digits that identify the weights (what a .sem records the first 8 of).
    virtual std::string modelId() const = 0;
    virtual std::string deviceName() const = 0;  // "cpu" or "cuda:0"
    virtual std::int64_t parameterCount() const = 0;
    // Peak activation memory the backend may use before it tiles.
    virtual void setMemoryBudgetBytes(std::uint64_t bytes) = 0;

    // Throws Error on invalid conditions/settings and Cancelled when *cancel becomes true (checked
    // before every network evaluation, so within one step). The callback runs on the calling thread.
    virtual ImageRgb decode(const Conditions& conditions, const SamplerSettings& settings,
                            const PreviewCallback& callback = {}, int previewEvery = 5,
                            const std::atomic<bool>* cancel = nullptr) = 0;
    virtual DecodeStats lastStats() const = 0;
};

}  // namespace sem::diffusion

#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "diffusion/DecodeTypes.h"
#include "diffusion/DiffusionError.h"

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

    // Images of one size decoded with the same settings apart from the seed (seeds[i] is image i's;
    // settings.seed is not used): each image is what decode() gives it alone, up to float rounding.
    // A family that batches (the built-in one) evaluates them together, one network batch per step;
    // this default decodes them one after another. The callback gets the batch's progress (the
    // steps of all its images), with previews only when the batch holds one image.
    virtual std::vector<ImageRgb> decodeBatch(const std::vector<const Conditions*>& conditions,
                                              const SamplerSettings& settings, const std::vector<std::uint64_t>& seeds,
                                              const PreviewCallback& callback = {}, int previewEvery = 5,
                                              const std::atomic<bool>* cancel = nullptr);
    // How many images of this size decodeBatch evaluates together within the backend's memory
    // budget (this default: 1, one at a time).
    virtual int batchCapacity(int /*width*/, int /*height*/, const SamplerSettings& /*settings*/) const { return 1; }
};

inline std::vector<ImageRgb> Backend::decodeBatch(const std::vector<const Conditions*>& conditions,
                                                  const SamplerSettings& settings,
                                                  const std::vector<std::uint64_t>& seeds,
                                                  const PreviewCallback& callback, int previewEvery,
                                                  const std::atomic<bool>* cancel)
{
    if (seeds.size() != conditions.size())
        throw Error("batch: there must be one seed per image.");
    const int count = static_cast<int>(conditions.size());
    std::vector<ImageRgb> images;
    for (int i = 0; i < count; ++i) {
        SamplerSettings one = settings;
        one.seed = seeds[static_cast<std::size_t>(i)];
        PreviewCallback each;
        if (callback)
            each = [&](const Progress& p, const ImageRgb* preview) {
                Progress all = p;
                all.step = i * p.total + p.step;
                all.total = count * p.total;
                callback(all, count == 1 ? preview : nullptr);
            };
        images.push_back(decode(*conditions[static_cast<std::size_t>(i)], one, each, previewEvery, cancel));
    }
    return images;
}

}  // namespace sem::diffusion

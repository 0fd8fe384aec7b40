#pragma once
// Internal (torch types): one decode of N >= 1 images of one size with the same sampler settings
// apart from the seed. Every image's guided passes share one network batch
// ([cond_1 .. cond_N, uncond_1 .. uncond_N]), so N images cost one evaluation per step instead of N;
// N = 1 is BuiltinEngine::decode. Not part of the public API.
#include <atomic>
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "diffusion/DecodeTypes.h"
#include "diffusion/builtin/EngineImpl.h"
#include "diffusion/common/GaussianNoise.h"
#include "diffusion/common/Tiling.h"

namespace sem::diffusion {

class BatchDecode {
public:
    // Throws Error on invalid conditions or settings, or when the images differ in size or in
    // whether they have a hint (a hint-residual model adds the hint to every image of the batch).
    BatchDecode(EngineImpl& impl, const std::vector<const Conditions*>& conditions, const SamplerSettings& settings,
                const std::vector<std::uint64_t>& seeds);

    // The images, in order. The callback gets the batch's progress after every step, with the x0
    // preview (first step, every previewEvery steps, last step) when the batch holds one image.
    std::vector<ImageRgb> run(const PreviewCallback& callback, int previewEvery, const std::atomic<bool>* cancel);

    // How many images of width x height one untiled network evaluation holds within the engine's
    // activation budget (0 when one image alone needs tiles).
    static int capacity(const EngineImpl& impl, int width, int height, const SamplerSettings& settings);

private:
    torch::Tensor planes(const Conditions& c, bool& priorHint) const;
    void prepareConditions();
    void prepareText();
    void planTiles();
    torch::Tensor runNetwork(const torch::Tensor& x, const torch::Tensor& conds, const torch::Tensor& t) const;
    torch::Tensor evaluate(const torch::Tensor& x, int t, const std::atomic<bool>* cancel);
    torch::Tensor noise(const torch::Tensor& like);
    torch::Tensor withBase(const torch::Tensor& x0) const;

    EngineImpl& impl_;
    const std::vector<const Conditions*>& conditions_;
    SamplerSettings settings_;
    std::vector<GaussianNoise> rngs_;
    std::int64_t n_ = 1, passes_ = 1, paddedH_ = 0, paddedW_ = 0;
    int width_ = 0, height_ = 0;
    float guidance_ = 1.0f;
    bool useCond_ = true, useUncond_ = false;
    torch::Tensor conditionsBatch_;  // [passes * N, 5, Hp, Wp] on the device
    torch::Tensor base_;             // [N, 3, Hp, Wp] float: a hint-residual model's hint (or undefined)
    net::Context context_;
    TileGrid grid_;
};

}  // namespace sem::diffusion

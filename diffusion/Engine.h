#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diffusion/DiffusionError.h"
#include "diffusion/ModelConfig.h"

namespace sem::diffusion {

struct ImageRgb {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  // interleaved RGB8, width*height*3
};

struct Conditions {
    int width = 0, height = 0;  // output size, any size
    // Edge map at its own (reduced) resolution, values 0 or 255 (anything > 127 counts as an edge),
    // mapWidth*mapHeight bytes, taken at 1/scaleDenominator (1, 2, 4 or 8). Empty = no edges.
    int mapWidth = 0, mapHeight = 0, scaleDenominator = 1;
    std::vector<std::uint8_t> edges;
    std::optional<ImageRgb> hint;  // already upsampled to width x height, or none
    std::string caption;           // may be empty
};

enum class SamplerKind { Ddpm, Ddim, DpmPp2M };

struct SamplerSettings {
    SamplerKind sampler = SamplerKind::DpmPp2M;
    int steps = 20;
    float eta = 0.0f;        // DDIM only: 0 = deterministic, 1 = DDPM-like noise
    float guidance = 2.0f;   // classifier-free guidance over caption + hint (caption only for a
                             // hint-residual model; plus the edges for a model with edgeGuidance);
                             // 1 = none, 0 = unconditional. Sampled decodes only.
    std::uint64_t seed = 0;
    bool fidelity = false;   // one unguided network evaluation: the x0 prediction from pure noise (max PSNR)
    // Sampled decodes only. 1 = from pure noise. Below 1 the decode takes the first step's x0
    // prediction from pure noise (guided; at guidance 1 that is the fidelity decode), noises it to the
    // first of the last round(strength * steps) (at least one) of the steps' timesteps and runs those
    // steps: it redraws the detail of that prediction rather than the whole image (closer to the
    // fidelity decode than a decode from noise, round(strength * steps) + 1 evaluations).
    float strength = 1.0f;
    // Tiling: 0 = automatic (tile only when the estimated activations exceed the engine's memory
    // budget); > 0 = tile side in pixels (rounded up to the network's downsampling factor).
    int tileSize = 0;
    int tileOverlap = 64;    // pixels shared by neighbouring tiles, blended linearly
};

struct Progress {
    int step = 0, total = 0;  // step counts from 1 to total
    double elapsedSeconds = 0;
};

// Called after every step with the progress; x0Preview is non-null every `previewEvery` steps and
// at the last step (the current prediction of the clean image, at the output size); previewEvery
// <= 0 gives only the last one. The callback runs on the decoding thread and may set the cancel flag.
using PreviewCallback = std::function<void(const Progress&, const ImageRgb* x0Preview)>;

struct DecodeStats {
    int networkEvaluations = 0;  // U-Net forward calls over the whole image (guidance is batched)
    int tiles = 1;               // tiles per evaluation
    double seconds = 0;
};

class EngineImpl;

// The decoder engine: a conditional pixel-space diffusion U-Net plus text encoder (LibTorch inside,
// nothing of it in this header). Not thread-safe: one decode at a time per Engine.
class Engine {
public:
    Engine();
    ~Engine();
    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

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
    std::string modelId() const;
    std::string deviceName() const;   // "cpu" or "cuda:0"
    const ModelCard& card() const;
    std::int64_t parameterCount() const;
    // Peak memory budget for automatic tiling (default 1.5 GB).
    void setMemoryBudgetBytes(std::uint64_t bytes);

    // Throws Error on invalid conditions/settings, Cancelled when *cancel becomes true (checked
    // before every network evaluation, so within one step).
    ImageRgb decode(const Conditions& conditions, const SamplerSettings& settings,
                    const PreviewCallback& callback = {}, int previewEvery = 5,
                    const std::atomic<bool>* cancel = nullptr);
    DecodeStats lastStats() const;

private:
    std::unique_ptr<EngineImpl> impl_;
};

}  // namespace sem::diffusion

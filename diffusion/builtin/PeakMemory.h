#pragma once
#include <cstdint>

#include "diffusion/builtin/ModelConfig.h"

namespace sem::diffusion {

// What a built-in model decode holds in memory, estimated from the image size before anything
// image-sized is allocated (core/pipeline/Decoder checks it against the memory limit). Torch-free.
//
// Beside the network's activations (tiled within a budget: BuiltinEngine), a decode keeps
// full-size float planes: the conditions (edges, hint, mask; padded; the guided batch), the sampler's
// state (x, x0, eps, the DPM-Solver history, noise), the guided outputs, the tiles' blend weights and
// the 8-bit images on both sides of the engine. The counts are calibrated on measured peak RSS
// (docs/BENCHMARKS.md) with a margin: an estimate errs on the large side.
struct BuiltinPeakMemory {
    // The default budget of the network's activations before the engine tiles.
    static constexpr std::uint64_t kDefaultActivationBudget = 1536ull << 20;
    // The runtime and the loaded model, whatever the size (LibTorch's allocator, the weights, ...):
    // a 640x422 decode of the default model peaks at 0.30 GB RSS.
    static constexpr std::uint64_t kBaseBytes = 512ull << 20;

    // Activation bytes per padded pixel of one network evaluation of `batch` images (the rough
    // count BuiltinEngine tiles by: ~10 live activations per level, plus skips).
    static double activationBytesPerPixel(const ModelConfig& cfg, int batch, int bytesPerValue);
    // The full-size planes of a decode at this size (bytes), without the activations.
    static std::uint64_t planeBytes(const ModelConfig& cfg, int width, int height, int batch);
    // The smallest activation budget the engine can tile with (a tile of 4 x downsampling squared).
    static std::uint64_t smallestTileBytes(const ModelConfig& cfg, int batch, int bytesPerValue);
    // The padded pixel count.
    static std::uint64_t paddedPixels(const ModelConfig& cfg, int width, int height);
};

}  // namespace sem::diffusion

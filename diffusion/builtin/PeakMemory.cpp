#include "diffusion/builtin/PeakMemory.h"

#include <cmath>

namespace sem::diffusion {

double BuiltinPeakMemory::activationBytesPerPixel(const ModelConfig& cfg, int batch, int bytesPerValue)
{
    double perPixel = 0;
    for (std::size_t l = 0; l < cfg.channels.size(); ++l)
        perPixel += 10.0 * cfg.channels[l] / std::pow(4.0, static_cast<double>(l));
    return perPixel * static_cast<double>(batch * bytesPerValue) / (cfg.unshuffle * cfg.unshuffle);
}

std::uint64_t BuiltinPeakMemory::paddedPixels(const ModelConfig& cfg, int width, int height)
{
    const std::uint64_t down = static_cast<std::uint64_t>(cfg.downsampling());
    const std::uint64_t w = (static_cast<std::uint64_t>(width) + down - 1) / down * down;
    const std::uint64_t h = (static_cast<std::uint64_t>(height) + down - 1) / down * down;
    return w * h;
}

std::uint64_t BuiltinPeakMemory::planeBytes(const ModelConfig& cfg, int width, int height, int batch)
{
    // Measured (docs/BENCHMARKS.md): a 2400x1600 fidelity decode of the default model with its
    // network tiled to a 63 MB activation budget peaks at 0.96 GB RSS, a 640x422 one at 0.30 GB:
    // ~170 bytes per pixel for the full-size planes. Counted with a margin: 200, plus 40 for the
    // second image of a guided batch (its conditions, its output).
    const double perPixel = 200.0 + 40.0 * (batch > 1 ? batch - 1 : 0);
    return static_cast<std::uint64_t>(perPixel * static_cast<double>(paddedPixels(cfg, width, height)));
}

std::uint64_t BuiltinPeakMemory::smallestTileBytes(const ModelConfig& cfg, int batch, int bytesPerValue)
{
    const double side = 4.0 * cfg.downsampling();
    return static_cast<std::uint64_t>(side * side * activationBytesPerPixel(cfg, batch, bytesPerValue));
}

}  // namespace sem::diffusion

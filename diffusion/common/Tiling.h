#pragma once
// Internal (torch types): splitting an image or latent into overlapping tiles that a network
// evaluates one at a time, and the weights that blend them back. Shared by every model family.
#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace sem::diffusion {

// Tiles of tileH x tileW starting at every (ys[i], xs[j]); neighbours share `overlap` pixels.
struct TileGrid {
    std::vector<std::int64_t> ys, xs;
    std::int64_t tileH = 0, tileW = 0, overlap = 0;
};

// Start offsets of tiles of `tile` pixels covering `length` with `overlap` shared pixels; the last
// tile ends at the border. One tile (at 0) when tile >= length.
std::vector<std::int64_t> tileStarts(std::int64_t length, std::int64_t tile, std::int64_t overlap);

// Blend weights along one axis for a tile at `start` of `size` pixels: a linear ramp over `overlap`
// pixels on the sides that touch another tile, 1 on the image borders.
torch::Tensor ramp(std::int64_t start, std::int64_t size, std::int64_t length, std::int64_t overlap);

}  // namespace sem::diffusion

#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sem::diffusion::sd {

// How an edge map taken at 1/d of the image's resolution becomes the control image of a Canny
// ControlNet, which learnt from 1-pixel Canny lines at the image's own resolution (white on black).
enum class ControlPreparation {
    Nearest,  // every edge pixel becomes a d x d block: lines d pixels thick, stair-stepped
    Thinned,  // Nearest, then thinned to 1-pixel lines (Zhang-Suen)
    Linked,   // each edge pixel becomes the centre of its block, 8-connected neighbours joined by
              // 1-pixel straight segments: thin polylines through the block centres
};

// "nearest", "thinned", "linked"; false for another name.
bool controlPreparationFromName(const std::string& name, ControlPreparation& preparation);
std::string controlPreparationName(ControlPreparation preparation);

// A single-channel 8-bit image, 0 (background) or 255 (edge), row-major.
struct ControlImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;
};

// The control image at width x height of an edge map of mapWidth x mapHeight bytes (> 127 = edge)
// that covers the image at 1/scaleDenominator. Plain C++ (no torch): shared by the decoder and the
// measurements of the preparations. Throws Error on sizes that do not fit.
ControlImage prepareControlImage(const std::vector<std::uint8_t>& edges, int mapWidth, int mapHeight, int width,
                                 int height, ControlPreparation preparation);

// Zhang-Suen thinning of a 0/255 image in place (1-pixel-wide 8-connected skeletons).
void thinZhangSuen(ControlImage& image);

// The size Stable Diffusion decodes an output of width x height at: the longest side brought to
// `workSize` (up or down), both sides rounded to multiples of 8, at least 64.
std::pair<int, int> workingSize(int width, int height, int workSize);

}  // namespace sem::diffusion::sd

#pragma once
// A training batch as plain C++ (no torch, no OpenCV): produced by sem::training::BatchSource
// (OpenCV side, core/training), consumed by sem::diffusion::Trainer (LibTorch side).
#include <cstdint>
#include <string>
#include <vector>

namespace sem::diffusion {

struct TrainingBatch {
    int size = 0;             // number of samples B
    int width = 0, height = 0;  // crop size, the same for all samples
    // B x height x width x 3, interleaved RGB8 (the target image).
    std::vector<std::uint8_t> images;
    // B x height x width, the edge map already upsampled (bilinear) to the crop size, 0..1.
    std::vector<float> edges;
    // Edge-map scale index per sample: 0..3 for 1/1, 1/2, 1/4, 1/8; 4 = no edges (edges all zero).
    std::vector<int> scaleIndex;
    // B x height x width x 3, the decoded and upsampled hint, interleaved RGB8; hasHint[b] == 0 means
    // no hint for that sample (its pixels are ignored: zero hint, zero mask).
    std::vector<std::uint8_t> hints;
    std::vector<std::uint8_t> hasHint;
    // One caption per sample; empty = no caption (the unconditional caption of guidance).
    std::vector<std::string> captions;

    std::size_t pixels() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
};

}  // namespace sem::diffusion

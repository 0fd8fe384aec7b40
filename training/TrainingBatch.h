#pragma once
// A training batch as plain C++ (no torch, no OpenCV): produced by sem::training::BatchSource
// (OpenCV side, training/data) or SamplePool (plain files, training/pool), consumed by
// sem::training::Trainer (LibTorch side, training/loop).
#include <cstdint>
#include <string>
#include <vector>

namespace sem::training {

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

    // A batch of `n` square crops, every buffer sized and zeroed (scale index 4, no hint, no caption).
    static TrainingBatch allocate(int n, int crop)
    {
        TrainingBatch b;
        b.size = n;
        b.width = b.height = crop;
        const std::size_t samples = static_cast<std::size_t>(n);
        b.images.assign(b.pixels() * 3 * samples, 0);
        b.edges.assign(b.pixels() * samples, 0.0f);
        b.hints.assign(b.pixels() * 3 * samples, 0);
        b.hasHint.assign(samples, 0);
        b.scaleIndex.assign(samples, 4);
        b.captions.assign(samples, std::string());
        return b;
    }
};

}  // namespace sem::training

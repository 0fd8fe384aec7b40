#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "training/TrainingBatch.h"

namespace sem::training {

// One file of a sample pool: pre-rendered training samples (crop, edges, hint, caption) as raw
// bytes, so that a trainer without OpenCV can read them (training/tool/semc-train).
//   "SEMSMPL1", u32 crop, u32 count, count x u64 record offset (little-endian), then the records:
//   u8 scale index (0..4), u8 has-hint (0/1), u32 caption length, the caption (UTF-8),
//   crop^2 x 3 RGB8 image, crop^2 edge bytes (0..255 for 0..1), crop^2 x 3 RGB8 hint.
// Every size is checked before allocating; a malformed file throws sem::Error("sample pool: ...").
class PoolFile {
public:
    static constexpr std::uint32_t kMaxSamples = 1000000;
    static constexpr std::uint32_t kMaxCaptionBytes = 4096;

    // Opens and checks the header; `path` stays open for reading records on demand.
    explicit PoolFile(const std::string& path);
    int crop() const { return crop_; }
    std::uint32_t count() const { return static_cast<std::uint32_t>(offsets_.size() - 1); }
    // Copies record `index` into sample `slot` of `batch` (sized by TrainingBatch::allocate).
    void read(std::uint32_t index, TrainingBatch& batch, int slot);

    // The bytes of one file holding samples [first, first + count) of `batch`.
    static std::vector<std::uint8_t> encode(const TrainingBatch& batch, int first, int count);
    static std::size_t fixedRecordBytes(int crop) { return 2 + 4 + static_cast<std::size_t>(crop) * crop * 7; }

private:
    std::string path_;
    std::ifstream in_;
    int crop_ = 0;
    std::vector<std::uint64_t> offsets_;  // count + 1 (the end of the file last)
};

}  // namespace sem::training

#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace sem {

// Lossless coding of one bitmap with JBIG-KIT's adaptive arithmetic coder (the QM coder of ITU-T
// T.82, jbig_ar.h) over a 12-pixel causal template, where every context starts from a trained
// probability state instead of JBIG's "nothing known yet".
//
// Why: an edge map at 1/4 or 1/8 scale has only a few thousand pixels, too few for JBIG's coder to
// learn the statistics of its 1,024 contexts; much of a JBIG stream pays for that learning. With
// initial states fitted on the edge maps of training photos (fit()), the same coder starts where
// JBIG would end up (docs/bench/edges.md: about 21 % fewer bytes at 1/8 scale, 15 % at 1/4).
//
// Template (bit k of the context is the pixel at offset (dx, dy), 1 = edge, 0 outside the map):
//   bits 0-2  (-1,-2) (0,-2) (+1,-2)
//   bits 3-7  (-2,-1) (-1,-1) (0,-1) (+1,-1) (+2,-1)
//   bits 8-11 (-4,0) (-3,0) (-2,0) (-1,0)
// Stream: the coder's bytes (0xFF followed by a stuffed 0x00, trailing 0x00 bytes dropped, as the
// JBIG-KIT flush writes them). Bitmaps are CV_8UC1 with nonzero = edge.
class ContextCoder {
public:
    static constexpr int kContexts = 4096;
    // Initial coder state per context, as jbg_arenc_state::st holds it: bit 7 the more probable
    // pixel value, bits 0-6 the T.82 probability-estimation state (0..112).
    using Table = std::array<std::uint8_t, kContexts>;

    static std::vector<std::uint8_t> encode(const cv::Mat& bitmap, const Table& table);
    // Decodes a width x height bitmap (CV_8UC1, 0/255); throws sem::Error("<context>: ...").
    // The stream must be exactly what encode() writes for the decoded bitmap (appended zero bytes,
    // for one, are refused). Truncation and corruption are in general not detectable in an
    // arithmetic-coded stream (it has no redundancy: any bytes decode to some bitmap); the .sem
    // container's length prefixes and CRC-32 catch them.
    static cv::Mat decode(const std::uint8_t* data, std::size_t size, int width, int height, const Table& table,
                          const char* context);

    // Fits a table to training bitmaps: for every context, the initial state (and more probable
    // value) that codes that context's pixels of every bitmap, each coded afresh, in the fewest bits.
    // Only the first kFitPrefix pixels of a context in each bitmap count: after them the coder's
    // estimate no longer depends on where it started. Unseen contexts get state 0 (JBIG's start).
    static constexpr std::size_t kFitPrefix = 256;
    static Table fit(const std::vector<cv::Mat>& bitmaps);
    // True when every entry is a valid coder state (bits 0-6 below 113).
    static bool valid(const Table& table);
};

}  // namespace sem

#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace sem::bench {

// JBIG profile tuning: for every image, default Canny at scales 1 and 1/4, the edge stream size
// of every EdgeCodec profile (plus JBIG-KIT's own defaults as a full BIE, and the best profile
// per image) against the same bitmap as a bilevel PNG. Writes markdown tables to `out`.
// Returns 0, or 1 when no image could be read.
int runEdgeCodecBench(const std::vector<std::string>& imagePaths, std::ostream& out);

// Live-preview speed: extract + encode (+ decode) timings with default settings at every scale,
// on `imagePath` or, when empty, on a synthetic 4000x3000 photo-like image. Writes markdown.
// Returns 0, or 1 when the image cannot be read.
int runEdgeSpeedBench(const std::string& imagePath, std::ostream& out);

}  // namespace sem::bench

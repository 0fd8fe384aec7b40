#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace sem::bench {

// Encode path timings (median of `runs`): full encode of each image resized to 768x512 (edges at
// 1/4 + caption + hint 1/16 + container) against OpenCV's WebP encode of the same image in the
// same run, and the live-slider path (extract + code) on a 12-megapixel upscale.
int runEncodeBench(const std::vector<std::string>& imagePaths, int runs, std::ostream& out);

// "CPU model, N cores" of this machine, for the benchmark tables.
std::string machineDescription();

}  // namespace sem::bench

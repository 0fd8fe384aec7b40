#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace sem::bench {

// Compares thumbnail codecs for the colour hint: for every factor (4, 8, 16, 32, 64), codec and
// quality, the mean payload bytes, bpp over the full image and PSNR of the bicubic-upsampled
// thumbnail against the full image. Writes a markdown table; returns 0, or 1 on error.
int runHintCodecBench(const std::vector<std::string>& imagePaths, std::ostream& out);

}  // namespace sem::bench

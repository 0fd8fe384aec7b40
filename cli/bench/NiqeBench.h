#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace sem::bench {

// NIQE timings (median of `runs`): each image resized to 768x512 (INTER_AREA), NIQE of it, beside
// the full-reference metrics of the reports (PSNR + SSIM + MS-SSIM + GMSD, metrics::all) against a
// blurred copy, for scale; then NIQE of the first image at 4000x3000 (12 MP).
int runNiqeBench(const std::vector<std::string>& imagePaths, int runs, std::ostream& out);

}  // namespace sem::bench

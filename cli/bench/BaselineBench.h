#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace sem::bench {

// The bpp targets the baseline benchmark sweeps.
std::vector<double> baselineBenchTargets();  // 0.01 0.02 0.05 0.1 0.2 0.5

// For every image and every classical codec: the setting at each target bpp
// (Baselines::atTargetBpps), its PSNR / SSIM / MS-SSIM, and the wall time of one
// encode+decode at that setting. Writes markdown tables to `out`: a summary over the images
// (means over those that reached the target) and the PSNR of each image.
// Returns 0, or 1 if an image cannot be read (the error goes to `out`).
int runBaselineBench(const std::vector<std::string>& imagePaths, std::ostream& out);

}  // namespace sem::bench

#pragma once
#include <cstddef>
#include <vector>

#include "cli/eval/BdMetrics.h"

namespace sem::cli {

// The curve of a codec driven by a rate target: per image, the results at a list of settings in
// ladder order (cheapest first); at each target bpp every image takes the last setting whose file
// fits (RateLadder::lastFitting, what `semc encode --target-bpp` does), and the curve point is the
// mean over the images (of bpp, PSNR, SSIM and MS-SSIM). A target that some image cannot reach is left out.
class LadderCurve {
public:
    void addImage(std::vector<BdPoint> settings);
    std::size_t imageCount() const { return images_.size(); }
    std::vector<BdPoint> atTargets(const std::vector<double>& targets) const;
    // The same over the images at these indices (repeats allowed: a bootstrap resample).
    std::vector<BdPoint> atTargets(const std::vector<double>& targets, const std::vector<std::size_t>& images) const;

private:
    std::vector<std::vector<BdPoint>> images_;
};

}  // namespace sem::cli

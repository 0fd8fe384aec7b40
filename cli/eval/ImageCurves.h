#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "cli/eval/BdMetrics.h"

namespace sem::cli {

// Per image, the points of one codec at a fixed list of settings (a baseline at each target bpp),
// where an image may lack a point (a target it cannot reach). The curve is the mean per setting, for
// all images or for a bootstrap resample of them; a setting that one of them lacks is left out (the
// mean over the others would describe easier images, not the set), as in `semc eval`'s curves.
class ImageCurves {
public:
    void addImage(std::vector<std::optional<BdPoint>> points);
    std::size_t imageCount() const { return images_.size(); }
    // Means over `images` (indices, repeats allowed); a setting any of them lacks is left out.
    std::vector<BdPoint> mean(const std::vector<std::size_t>& images) const;
    std::vector<BdPoint> mean() const;
    // The settings that some images have and others lack, each with the mean over those that have it.
    struct Partial {
        std::size_t setting = 0;
        int images = 0;
        BdPoint mean;
    };
    std::vector<Partial> partial() const;

private:
    std::size_t settings() const;
    std::vector<std::vector<std::optional<BdPoint>>> images_;
};

struct Interval {
    double lo = 0, hi = 0;
    int valid = 0;  // resamples with a finite statistic
};

// The 95 % percentile interval of `statistic` over `resamples` bootstrap resamples of n images
// (drawn with replacement, deterministic for a seed); resamples where it is not finite are skipped.
// lo = hi = nan when none is finite.
Interval bootstrapInterval(std::size_t n, int resamples, std::uint64_t seed,
                           const std::function<double(const std::vector<std::size_t>& images)>& statistic);

}  // namespace sem::cli

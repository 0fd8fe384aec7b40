#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/pipeline/Encoder.h"
#include "core/pipeline/OperatingPoint.h"

namespace sem {

struct LadderResult {
    EncodeResult result;
    int rung = -1;              // index into the ladder encoded with (RateLadder::rungs() by default)
    OperatingPoint point;       // the settings encoded: the rung, its hint quality raised to fill the budget
    int rungQuality = -1;       // the rung's own hint quality when `point`'s was raised, else -1
    std::size_t bytes = 0;      // size of the file
    std::vector<std::size_t> sizes;  // the file's size at every rung, in ladder order (why this rung)
};

// Rate targets for `semc encode --target-bpp`: the operating points of `semc eval`'s default sweep,
// cheapest first, each one a higher mean PSNR on the validation split than the one before
// (docs/RESULTS.md). For a byte budget the encoder takes the highest rung whose whole file (caption
// and metadata included) fits: no decode needed, so it costs a few encodes.
class RateLadder {
public:
    static const std::vector<OperatingPoint>& rungs();
    // The rungs as a `semc eval --points` list.
    static std::string pointList();
    // `semc eval`'s default points for a Stable Diffusion + Canny ControlNet model, which draws from
    // the edges: no edges and edges at 1/4, 1/2 and 1/1 over hint factors 32 to 8, cheapest first by
    // expectation (not measured: no Stable Diffusion weights have been evaluated; docs/LADDER.md).
    static std::string sdPointList();
    // The index of the last entry of `sizes` (in ladder order) that is <= budget, or -1.
    static int lastFitting(const std::vector<double>& sizes, double budget);
    // Encodes `bgr` at the highest rung of `ladder` (cheapest first; by default the built-in model's
    // compiled-in ladder) whose file has at most maxBytes; `base` gives the caption, metadata and the
    // Canny settings the ladder does not set (blur, aperture, ...). Then, with `fill`, the chosen rung's
    // hint quality is raised as far as the budget allows (same edges and hint factor: a closer hint),
    // so that the file lands just under the budget rather than a rung's step below it. Throws
    // sem::Error naming the smallest size reachable when even the lowest rung does not fit.
    static LadderResult encodeWithin(const cv::Mat& bgr, const EncodeOptions& base, std::size_t maxBytes,
                                     const std::vector<OperatingPoint>& ladder = rungs(), bool fill = true);
};

}  // namespace sem

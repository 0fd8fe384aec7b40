#pragma once
#include <limits>
#include <vector>

namespace sem::cli {

// Bjøntegaard metrics between two rate-PSNR curves (rates in bpp), cubic fits in log10(rate) (lower
// degree with fewer than 4 points) integrated over the common interval, further limited to
// [loBpp, hiBpp]. nan when the curves do not overlap there or have fewer than 2 points.
// bdPsnr > 0: `test` has more PSNR at equal rate; bdRatePercent < 0: `test` needs fewer bits.
// A rate-quality point. The BD metrics use bpp and psnr; ssim and msSsim (0 when not measured) and
// niqe (no-reference, lower is more natural; NaN when not measured or undefined) ride along for the
// curves of `semc eval`.
struct BdPoint {
    double bpp = 0, psnr = 0, ssim = 0, msSsim = 0;
    double niqe = std::numeric_limits<double>::quiet_NaN();
};
double bdPsnr(const std::vector<BdPoint>& reference, const std::vector<BdPoint>& test, double loBpp = 0,
              double hiBpp = 1e9);
double bdRatePercent(const std::vector<BdPoint>& reference, const std::vector<BdPoint>& test, double loBpp = 0,
                     double hiBpp = 1e9);
// The points no other point beats (less or equal bpp and more PSNR), by rising bpp: the curve of a
// codec whose user picks the best setting for each rate.
std::vector<BdPoint> paretoFront(std::vector<BdPoint> points);

}  // namespace sem::cli

#include "cli/eval/LadderCurve.h"

#include <numeric>

#include "core/pipeline/RateLadder.h"

namespace sem::cli {

void LadderCurve::addImage(std::vector<BdPoint> settings)
{
    images_.push_back(std::move(settings));
}

std::vector<BdPoint> LadderCurve::atTargets(const std::vector<double>& targets) const
{
    std::vector<std::size_t> all(images_.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    return atTargets(targets, all);
}

std::vector<BdPoint> LadderCurve::atTargets(const std::vector<double>& targets,
                                            const std::vector<std::size_t>& images) const
{
    std::vector<BdPoint> curve;
    if (images.empty())
        return curve;
    for (const double target : targets) {
        BdPoint sum;
        sum.niqe = 0;
        bool reached = true;
        for (const std::size_t i : images) {
            const std::vector<BdPoint>& settings = images_.at(i);
            std::vector<double> bpps;
            for (const BdPoint& p : settings)
                bpps.push_back(p.bpp);
            const int pick = RateLadder::lastFitting(bpps, target);
            if (pick < 0) {
                reached = false;
                break;
            }
            sum.bpp += settings[static_cast<std::size_t>(pick)].bpp;
            const BdPoint& p = settings[static_cast<std::size_t>(pick)];
            sum.psnr += p.psnr;
            sum.ssim += p.ssim;
            sum.msSsim += p.msSsim;
            sum.niqe += p.niqe;
        }
        const auto n = static_cast<double>(images.size());
        if (reached)
            curve.push_back({sum.bpp / n, sum.psnr / n, sum.ssim / n, sum.msSsim / n, sum.niqe / n});
    }
    return curve;
}

}  // namespace sem::cli

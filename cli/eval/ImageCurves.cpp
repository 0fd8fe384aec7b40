#include "cli/eval/ImageCurves.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace sem::cli {

void ImageCurves::addImage(std::vector<std::optional<BdPoint>> points)
{
    images_.push_back(std::move(points));
}

std::size_t ImageCurves::settings() const
{
    std::size_t n = 0;
    for (const auto& image : images_)
        n = std::max(n, image.size());
    return n;
}

std::vector<BdPoint> ImageCurves::mean(const std::vector<std::size_t>& images) const
{
    std::vector<BdPoint> curve;
    for (std::size_t k = 0; k < settings(); ++k) {
        BdPoint sum;
        sum.niqe = 0;
        bool everyImage = !images.empty();
        for (const std::size_t i : images) {
            const auto& image = images_.at(i);
            if (k >= image.size() || !image[k]) {
                everyImage = false;
                break;
            }
            sum.bpp += image[k]->bpp;
            sum.psnr += image[k]->psnr;
            sum.ssim += image[k]->ssim;
            sum.msSsim += image[k]->msSsim;
            sum.niqe += image[k]->niqe;
        }
        const auto n = static_cast<double>(images.size());
        if (everyImage)
            curve.push_back({sum.bpp / n, sum.psnr / n, sum.ssim / n, sum.msSsim / n, sum.niqe / n});
    }
    return curve;
}

std::vector<BdPoint> ImageCurves::mean() const
{
    std::vector<std::size_t> all(images_.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    return mean(all);
}

std::vector<ImageCurves::Partial> ImageCurves::partial() const
{
    std::vector<Partial> out;
    for (std::size_t k = 0; k < settings(); ++k) {
        Partial p{k, 0, {}};
        p.mean.niqe = 0;
        for (const auto& image : images_) {
            if (k >= image.size() || !image[k])
                continue;
            p.mean.bpp += image[k]->bpp;
            p.mean.psnr += image[k]->psnr;
            p.mean.ssim += image[k]->ssim;
            p.mean.msSsim += image[k]->msSsim;
            p.mean.niqe += image[k]->niqe;
            ++p.images;
        }
        if (p.images == 0 || p.images == static_cast<int>(images_.size()))
            continue;
        const int n = p.images;
        p.mean = {p.mean.bpp / n, p.mean.psnr / n, p.mean.ssim / n, p.mean.msSsim / n, p.mean.niqe / n};
        out.push_back(p);
    }
    return out;
}

Interval bootstrapInterval(std::size_t n, int resamples, std::uint64_t seed,
                           const std::function<double(const std::vector<std::size_t>& images)>& statistic)
{
    constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
    Interval out{kNan, kNan, 0};
    if (n == 0 || resamples < 1)
        return out;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, n - 1);
    std::vector<double> values;
    std::vector<std::size_t> images(n);
    for (int r = 0; r < resamples; ++r) {
        for (std::size_t& i : images)
            i = pick(rng);
        const double v = statistic(images);
        if (std::isfinite(v))
            values.push_back(v);
    }
    if (values.empty())
        return out;
    std::sort(values.begin(), values.end());
    auto quantile = [&](double q) {
        const double pos = q * static_cast<double>(values.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(lo + 1, values.size() - 1);
        return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
    };
    return {quantile(0.025), quantile(0.975), static_cast<int>(values.size())};
}

}  // namespace sem::cli

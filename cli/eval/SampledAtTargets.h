#pragma once
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "cli/eval/BdMetrics.h"
#include "cli/eval/LadderCurve.h"
#include "cli/eval/RdPlotImage.h"

namespace sem::cli {

// `semc eval`'s rate-distortion-perception curves of the sampled decodes: per image, at each target
// bpp the rung of the ladder that the "semantic at target bpp" curve picks (the last file that fits,
// RateLadder::lastFitting), decoded twice more with the sampler: at the given strength (from the
// first step's prediction) and from pure noise (strength 1), each scored like every other decode
// (PSNR, SSIM, MS-SSIM, NIQE). A rung several targets pick is decoded once. The curves are the means
// over the images added, beside the fidelity decode of the same files.
class SampledAtTargets {
public:
    // strength in (0, 1]: the default sampled decode; the from-noise decode is strength 1 (with
    // strength 1 the two are one decode, and only the from-noise curve is drawn).
    SampledAtTargets(std::vector<double> targets, int steps, float strength);

    // Decodes rung `rung` of the current image's ladder at `strength` (1 = from pure noise).
    using Decode = std::function<cv::Mat(std::size_t rung, float strength)>;
    // Scores a decode at a rate: bpp, PSNR, SSIM, MS-SSIM against the original, and its NIQE.
    using Score = std::function<BdPoint(const cv::Mat& decoded, double bpp)>;
    // One per-image result: the series and setting it is recorded under (CSV and JSON).
    using Record = std::function<void(const std::string& series, const std::string& setting, const BdPoint& q)>;

    // One image: `fidelity[r]` is the fidelity decode of rung r (its bpp is the file's), `labels[r]`
    // its operating point; `originalNiqe` the original's own NIQE. Returns, per target it reaches, the
    // label of the rung decoded there (JSON, target -> label). Throws what decode or score throw.
    nlohmann::json addImage(const std::vector<BdPoint>& fidelity, const std::vector<std::string>& labels,
                            double originalNiqe, const Decode& decode, const Score& score, const Record& record);

    int imageCount() const { return images_; }
    // The sampled curves at the targets: "semantic sampled 0.35" (the strength) and "semantic from
    // noise", with " (N of M)" when the evaluation has more images (`totalImages`) than were sampled.
    std::vector<Series> series(std::size_t totalImages) const;
    // One row per target that every image reaches: the fidelity decode, the sampled one and the one
    // from noise of the same files, each bpp, PSNR, SSIM, MS-SSIM and NIQE.
    std::string markdownTable() const;
    nlohmann::json json() const;

    // The per-image settings: "strength 0.35@0.010", "from noise@0.010".
    std::string settingName(bool fromNoise, double target) const;

private:
    std::vector<double> targets_;
    int steps_ = 0;
    float strength_ = 0;
    int images_ = 0;
    double originalNiqeSum_ = 0;
    LadderCurve fidelity_, sampled_, fromNoise_;
};

}  // namespace sem::cli

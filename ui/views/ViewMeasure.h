#pragma once
#include <QString>
#include <cstddef>
#include <limits>
#include <opencv2/core/mat.hpp>

#include "core/baselines/Baselines.h"

namespace sem::ui {

// What one view of the comparison measures (issue 20: comparisons that are honest): its setting,
// its real size (bytes, bpp) and quality (PSNR, SSIM against the original; NIQE, no reference).
// A classical codec compared "at the .sem's size" is labelled "same size" only when its file is
// within 5 % of the .sem's; otherwise the label says what it really is: "cannot go lower" (its
// smallest file is bigger) or the share of the .sem's size it reached.
struct ViewMeasure {
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    static constexpr double kSameSizeTolerance = 0.05;

    QString setting;               // "q 12", "q 40 at 1/4"; empty for the .sem's reconstruction
    std::size_t bytes = 0;
    double bpp = kNaN;
    double psnr = kNaN;            // NaN: not measured (no original)
    double ssim = kNaN;
    double niqe = kNaN;            // NaN: under 192x96, flat, or not measured yet
    std::size_t targetBytes = 0;   // the .sem's size this view is compared with; 0: it is the .sem
    bool reached = true;           // false: even the codec's smallest file is over targetBytes

    bool sameSize() const;         // within 5 % of targetBytes (always true for the .sem itself)
    // "same size", "cannot go lower", "82 % of the .sem's size"; empty for the .sem itself.
    QString sizeNote() const;
    // The view's label after its name: "q 12 · 1,234 B · 0.0251 bpp, same size · PSNR 24.13 dB ·
    // SSIM 0.712 · NIQE 4.20" (what is not measured is left out).
    QString note() const;

    // The classical codec's file closest to `targetBytes` (never over it by more than 5 %):
    // Baselines::atTargetBpp, then, when that is more than 5 % under, up to three higher qualities
    // at the same downscale while they stay within +5 %. Throws sem::Error as Baselines does.
    static BaselineResult baselineAtSize(const cv::Mat& bgr, BaselineCodec codec, std::size_t targetBytes);
    // The measures of a baseline result against `original` (NIQE when `withNiqe` and measurable).
    static ViewMeasure ofBaseline(const BaselineResult& r, const cv::Mat& original, std::size_t targetBytes,
                                  bool withNiqe = true);
};

}  // namespace sem::ui

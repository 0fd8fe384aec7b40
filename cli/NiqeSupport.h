#pragma once
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <string>

#include "core/image/ImageIO.h"

namespace sem::cli {

// NIQE (core/metrics/Niqe.h) as the reports show it: lower is more natural.
namespace niqe_report {

// The score of a decoded or original image, NaN when it has none: smaller than two 96x96 blocks
// (e.g. under 192x96), or flat. Never throws for those; the reports print "n/a" / JSON null.
double score(const cv::Mat& bgr);
// The score of an image as loaded: a one-channel source is scored as gray (its values are the
// luma, as BasicSR's calculate_niqe does with a 2D image), anything else as BGR. Throws sem::Error
// for an image smaller than two blocks.
double scoreLoaded(const LoadedImage& image);
// "3.4127" or "n/a".
std::string text(double v);
// The number, or null when undefined.
nlohmann::json json(double v);

}  // namespace niqe_report
}  // namespace sem::cli

#pragma once
#include <opencv2/core/mat.hpp>
#include <utility>

#include "core/edges/CannyParams.h"
#include "core/edges/EdgeMap.h"

namespace sem {

class EdgeExtractor {
public:
    // `bgr` is CV_8UC3. Validates params (throws sem::Error).
    static EdgeMap extract(const cv::Mat& bgr, const CannyParams& params);
    // (low, high) from the median of an 8-bit single-channel image.
    static std::pair<double, double> autoThresholds(const cv::Mat& gray8, double sigma);
};

}  // namespace sem

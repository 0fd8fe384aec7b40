#include "cli/NiqeSupport.h"

#include <cmath>
#include <limits>

#include <opencv2/core.hpp>

#include "cli/Report.h"
#include "core/metrics/Niqe.h"

namespace sem::cli::niqe_report {

double score(const cv::Mat& bgr)
{
    if (bgr.empty() || !metrics::niqeSizeOk(bgr.cols, bgr.rows))
        return std::numeric_limits<double>::quiet_NaN();
    return metrics::niqe(bgr);
}

double scoreLoaded(const LoadedImage& image)
{
    if (image.sourceChannels == 1) {
        cv::Mat gray;
        cv::extractChannel(image.bgr, gray, 0);
        return metrics::niqe(gray);
    }
    return metrics::niqe(image.bgr);
}

std::string text(double v)
{
    return std::isfinite(v) ? Report::fixed(v, 4) : std::string("n/a");
}

nlohmann::json json(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace sem::cli::niqe_report

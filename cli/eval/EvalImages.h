#pragma once
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace sem::cli {

struct EvalImage {
    std::string name;
    cv::Mat bgr;
    std::string caption;  // the first reference caption, empty when there is none
};

// The validation split of a prepared data folder (OUT/data of semc train; the original files when they
// are still there) or the images of a folder; at most `limit` (0 = all), evenly spaced. Throws sem::Error.
std::vector<EvalImage> loadEvalImages(const std::string& dir, const std::string& captionsPath, int limit);

}  // namespace sem::cli

#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace sem::cli {

// How sharp decodes are, and where: `semc eval`'s fidelity vs sampled comparison.
// - Laplacian variance of the luma: all high-frequency energy, detail and noise alike.
// - Edge contrast: the mean gradient magnitude (Sobel, luma) on the original's boundaries (its Canny
//   100/200 edges at full size, dilated by one pixel): how crisply a decode draws the edges the
//   photo has.
// - Off-edge gradient: the same mean away from those boundaries: texture, and noise.
class SharpnessStats {
public:
    // The boundary mask of an original (CV_8U, 255 on boundaries).
    static cv::Mat boundaryMask(const cv::Mat& originalBgr);
    static double laplacianVariance(const cv::Mat& bgr);
    // Mean gradient magnitude of `bgr` where `mask` is set (onMask) or not set (!onMask); 0 if none.
    static double meanGradient(const cv::Mat& bgr, const cv::Mat& mask, bool onMask);

    // Adds one decode (or the original itself, psnr = NaN) of an image to the series `name`.
    void add(const std::string& name, const cv::Mat& bgr, const cv::Mat& mask, double psnr);
    int count(const std::string& name) const;
    // Rows in the order the series were first added: name, PSNR, Laplacian variance, edge contrast,
    // off-edge gradient (means over the images).
    std::string markdownTable() const;
    nlohmann::json json() const;

private:
    struct Sums {
        int n = 0, withPsnr = 0;
        double psnr = 0, laplacian = 0, edge = 0, offEdge = 0;
    };
    std::vector<std::string> order_;
    std::map<std::string, Sums> sums_;
};

}  // namespace sem::cli

#pragma once
#include <cstddef>
#include <opencv2/core/mat.hpp>

namespace sem::metrics {

// All take two CV_8UC3 (BGR) images of the same size; throw sem::Error otherwise.
double psnr(const cv::Mat& a, const cv::Mat& b);       // over all three channels, peak 255
double psnrY(const cv::Mat& a, const cv::Mat& b);      // on BT.601 luma
double ssim(const cv::Mat& a, const cv::Mat& b);       // Wang et al. 2004, Gaussian 11x11 σ=1.5, mean of R,G,B
double msSsim(const cv::Mat& a, const cv::Mat& b);     // Wang et al. 2003, 5 scales, standard weights, mean of R,G,B
double gmsd(const cv::Mat& a, const cv::Mat& b);       // Xue et al. 2014, on luma (lower is better)
double bpp(std::size_t bytes, int width, int height);  // bytes*8 / (width*height)

}  // namespace sem::metrics

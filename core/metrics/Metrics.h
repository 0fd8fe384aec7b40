#pragma once
#include <cstddef>
#include <opencv2/core/mat.hpp>

namespace sem::metrics {

// All take two CV_8UC3 (BGR) images of the same size; throw sem::Error otherwise.
// Everything is computed in double precision on the 0..255 scale.
//
// psnr / psnrY: identical images give +infinity (std::numeric_limits<double>::infinity()),
//   never a made-up cap; callers that print or plot must handle it (std::isinf).
// ssim: Wang et al. 2004. Gaussian 11x11 window, sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255,
//   'valid' window positions only (the map is (w-10)x(h-10), as in the reference ssim_index.m),
//   no automatic downsampling; mean of the map, then mean over R, G, B. Needs sides >= 11.
// msSsim: Wang et al. 2003. 5 scales, weights 0.0448 0.2856 0.3001 0.2363 0.1333; between scales
//   a 2x2 average then keep every second pixel (odd sides: the last row/column is averaged with
//   itself, so a side n becomes ceil(n/2), as in the reference msssim.m). Contrast-structure
//   at scales 1..M-1, luminance * contrast-structure at scale M; negative terms are clamped to 0.
//   Five scales need the smallest side >= 161 (so that scale 5 is still >= 11). Smaller images
//   use the largest M < 5 that fits, with the first M weights renormalised to sum 1 (M = 1 is
//   plain SSIM). Sides < 11 throw.
// gmsd: Xue et al. 2014 on BT.601 luma: 2x2 average and keep every second pixel (zero padding,
//   as in the reference GMSD.m), Prewitt 3x3 divided by 3 (zero padding), c = 170, sample
//   standard deviation of the GMS map. 0 for identical images; lower is better.
double psnr(const cv::Mat& a, const cv::Mat& b);       // over all three channels, peak 255
double psnrY(const cv::Mat& a, const cv::Mat& b);      // on BT.601 luma Y = .299R + .587G + .114B (full range, unrounded)
double ssim(const cv::Mat& a, const cv::Mat& b);       // Wang et al. 2004, Gaussian 11x11 σ=1.5, mean of R,G,B
double ssimY(const cv::Mat& a, const cv::Mat& b);      // the same on BT.601 luma
double msSsim(const cv::Mat& a, const cv::Mat& b);     // Wang et al. 2003, 5 scales, standard weights, mean of R,G,B
double gmsd(const cv::Mat& a, const cv::Mat& b);       // Xue et al. 2014, on luma (lower is better)
double bpp(std::size_t bytes, int width, int height);  // bytes*8 / (width*height); throws for an empty size

// Every full-reference metric at once (the input checks and conversions are done once).
struct Scores {
    double psnr = 0.0;
    double psnrY = 0.0;
    double ssim = 0.0;
    double msSsim = 0.0;
    double gmsd = 0.0;
};
Scores all(const cv::Mat& a, const cv::Mat& b);

// Number of MS-SSIM scales used for an image of this size (5 when min(width, height) >= 161,
// fewer for smaller images, 0 when a side is < 11 and no score can be computed).
int msSsimScales(int width, int height);

}  // namespace sem::metrics

#pragma once
#include <opencv2/core/mat.hpp>

// NIQE, the Natural Image Quality Evaluator (Mittal, Soundararajan, Bovik, "Making a 'Completely
// Blind' Image Quality Analyzer", IEEE SPL 2013): a no-reference score, the distance between a
// multivariate Gaussian fitted to 36 natural-scene features of the image's 96x96 blocks and the
// one fitted to pristine photographs. Lower is more natural (pristine photos score about 3-5).
//
// Computed exactly as BasicSR's calculate_niqe(img, crop_border=0, input_order='HWC',
// convert_to='y') (basicsr/metrics/niqe.py, a port of the MATLAB release), with the MATLAB
// release's pristine model (core/metrics/NiqePristineModel.cpp):
//  - Y of BT.601 studio range (MATLAB rgb2ycbcr: 16 + (65.481 R + 128.553 G + 24.966 B) / 255,
//    R, G, B in [0, 1], in BasicSR's float32 steps), rounded half to even to integers;
//  - cropped to whole 96x96 blocks (the right and bottom remainders are dropped);
//  - two scales: the image, then MATLAB's bicubic imresize by 0.5 with antialiasing
//    (core/metrics/MatlabResize.h); at each, MSCN coefficients (I - mu) / (sigma + 1) with a 7x7
//    Gaussian window (sigma 7/6) and edge samples repeated at the borders, 18 features per block
//    (blocks of 96 then 48 pixels): an AGGD fit of the MSCN values (shape, mean scale) and AGGD
//    fits of their products with the right, lower, lower-right and lower-left neighbour (circular
//    within the block; shape, mean, left and right scale), the shape searched on 0.2:0.001:10;
//  - the mean of the block features (NaN features skipped), their covariance over the blocks
//    with no NaN feature (N-1 normalisation), and
//    sqrt((mu_p - mu)' pinv((cov_p + cov) / 2) (mu_p - mu)), pinv as numpy.linalg.pinv.
//
// Input: CV_8U or CV_16U, 1 or 3 channels (3 = BGR; 1 = gray, used as Y directly, as BasicSR does
// with a one-channel image). 16-bit images are first reduced to 8 bits (v / 257, rounded).
// Sizes: NIQE needs at least two 96x96 blocks (e.g. 192x96 or 96x192); smaller images throw
// sem::Error (BasicSR fails on them too: a covariance of one block is undefined).
// Flat images and other images whose block features are undefined (a block with no negative or
// no positive MSCN value gives NaN scales): when fewer than two blocks have all 36 features
// defined the covariance is undefined (BasicSR raises an SVD error); niqe() returns NaN then.
namespace sem::metrics {

constexpr int kNiqeBlock = 96;

// True when the image is large enough for NIQE: floor(w / 96) * floor(h / 96) >= 2.
bool niqeSizeOk(int width, int height);

// The NIQE score, or NaN when it is undefined (see above). Throws sem::Error for an empty image,
// an unsupported type or an image smaller than two blocks.
double niqe(const cv::Mat& image);

namespace niqe_detail {
// The steps, exposed for tests.
cv::Mat lumaY(const cv::Mat& image);  // CV_32F, integer values (BasicSR's Y, rounded)
// The 18 features of each block of a CV_32F MSCN plane, blockSide x blockSide blocks, one row each.
cv::Mat blockFeatures(const cv::Mat& mscn, int blockSide);
cv::Mat mscn(const cv::Mat& y);       // CV_32F in, CV_32F out
}  // namespace niqe_detail

}  // namespace sem::metrics

#pragma once
#include <opencv2/core/mat.hpp>

namespace sem::metrics {

// MATLAB's imresize(img, scale, 'bicubic') with its default antialiasing, as ported by BasicSR
// (basicsr/utils/matlab_functions.py, imresize): the Keys cubic kernel (a = -0.5); when
// shrinking, the kernel is stretched by 1/scale (width 4/scale) and scaled by `scale`, so it
// also low-pass filters; each output sample's weights are normalised to sum 1; a leading or
// trailing tap whose weight is zero for some output sample is dropped (as MATLAB does); borders
// are mirrored with the edge sample repeated (…c b a | a b c …). Rows first, then columns.
// The output size is ceil(side * scale). Input and output are single-channel CV_64F.
// Throws sem::Error for an empty or non-CV_64FC1 input or a scale outside (0, 16].
cv::Mat matlabImresize(const cv::Mat& src, double scale);

}  // namespace sem::metrics

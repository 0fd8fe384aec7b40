#pragma once
#include <opencv2/core/mat.hpp>

namespace sem::devbench {

// A synthetic "photo" (gradients, overlapping shapes, sensor-like noise) with plenty of edges, the
// same for a given seed. For the developer benches and the app's tests; not in the shipped app.
cv::Mat syntheticPhoto(int width, int height, unsigned seed);

}  // namespace sem::devbench

#pragma once
#include <opencv2/core/mat.hpp>
#include <vector>

namespace sem {

// A binary edge map at reduced resolution: planes of CV_8UC1 holding 0 or 255, all of
// width x height. One plane (luma) or three (per channel, B,G,R order).
struct EdgeMap {
    int width = 0;
    int height = 0;
    int scaleDenominator = 1;  // map side = ceil(image side / scaleDenominator)
    std::vector<cv::Mat> planes;

    bool empty() const { return planes.empty(); }
    long long edgePixels() const;
    // All planes OR-ed together (CV_8UC1, 0/255), for overlays.
    cv::Mat combined() const;
    // The map brought back to the image size (nearest neighbour per plane, OR-ed), CV_8UC1.
    cv::Mat upsampled(int imageWidth, int imageHeight) const;
};

// Map side for an image side and a scale denominator: ceil(side / d).
int edgeMapSide(int imageSide, int scaleDenominator);

}  // namespace sem

#include "core/edges/EdgeMap.h"

#include <algorithm>
#include <cstring>
#include <opencv2/core.hpp>
#include <string>

#include "core/common/Error.h"

namespace sem {

int edgeMapSide(int imageSide, int scaleDenominator)
{
    if (imageSide < 0)
        throw Error("edge map: image side " + std::to_string(imageSide) + " is negative.");
    if (scaleDenominator != 1 && scaleDenominator != 2 && scaleDenominator != 4 && scaleDenominator != 8)
        throw Error("edge map: scale denominator " + std::to_string(scaleDenominator) +
                    " is not 1, 2, 4 or 8.");
    return (imageSide + scaleDenominator - 1) / scaleDenominator;
}

long long EdgeMap::edgePixels() const
{
    long long n = 0;
    for (const cv::Mat& p : planes)
        n += cv::countNonZero(p);
    return n;
}

cv::Mat EdgeMap::combined() const
{
    cv::Mat out = cv::Mat::zeros(height, width, CV_8UC1);
    for (const cv::Mat& p : planes) {
        if (p.rows != height || p.cols != width || p.type() != CV_8UC1)
            throw Error("edge map: a plane does not match the map size " + std::to_string(width) + "x" +
                        std::to_string(height) + " or is not 8-bit single-channel.");
        cv::bitwise_or(out, p, out);
    }
    return out;
}

cv::Mat EdgeMap::upsampled(int imageWidth, int imageHeight) const
{
    const int d = scaleDenominator;
    if (edgeMapSide(imageWidth, d) != width || edgeMapSide(imageHeight, d) != height)
        throw Error("edge map: a " + std::to_string(width) + "x" + std::to_string(height) +
                    " map at scale 1/" + std::to_string(d) + " does not belong to a " +
                    std::to_string(imageWidth) + "x" + std::to_string(imageHeight) + " image.");
    const cv::Mat small = combined();
    if (d == 1)
        return small;
    cv::Mat out(imageHeight, imageWidth, CV_8UC1);
    for (int my = 0; my < height; ++my) {
        // Widen one map row, then copy it to the up to d image rows it covers.
        const std::uint8_t* src = small.ptr<std::uint8_t>(my);
        const int y0 = my * d;
        std::uint8_t* first = out.ptr<std::uint8_t>(y0);
        for (int x = 0; x < imageWidth; ++x)
            first[x] = src[x / d];
        for (int y = y0 + 1; y < std::min(y0 + d, imageHeight); ++y)
            std::memcpy(out.ptr<std::uint8_t>(y), first, static_cast<std::size_t>(imageWidth));
    }
    return out;
}

}  // namespace sem

#pragma once
// Synthetic edge bitmaps (CV_8UC1, 0/255) shared by the edge coding tests.
#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

namespace sem::test {

// Lines and circles, like a Canny map of a photo.
inline cv::Mat structuredPlane(int w, int h, unsigned seed)
{
    cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
    cv::RNG rng(seed);
    const int n = std::max(2, (w + h) / 20);
    for (int i = 0; i < n; ++i) {
        cv::line(m, cv::Point(rng.uniform(0, w), rng.uniform(0, h)), cv::Point(rng.uniform(0, w), rng.uniform(0, h)),
                 cv::Scalar(255), 1, cv::LINE_8);
        cv::circle(m, cv::Point(rng.uniform(0, w), rng.uniform(0, h)), rng.uniform(1, std::max(2, w / 4)),
                   cv::Scalar(255), 1, cv::LINE_8);
    }
    return m;
}

// Independent pixels, each an edge with probability `density`.
inline cv::Mat randomPlane(int w, int h, double density, unsigned seed)
{
    cv::Mat m(h, w, CV_8UC1);
    std::mt19937 gen(seed);
    std::bernoulli_distribution bit(density);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<uchar>(y, x) = bit(gen) ? 255 : 0;
    return m;
}

}  // namespace sem::test

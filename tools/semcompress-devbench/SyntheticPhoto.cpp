#include "tools/semcompress-devbench/SyntheticPhoto.h"

#include <algorithm>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace sem::devbench {

cv::Mat syntheticPhoto(int width, int height, unsigned seed)
{
    cv::Mat img(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y) {
        auto* row = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x)
            row[x] = cv::Vec3b(static_cast<std::uint8_t>(60 + 120 * x / std::max(1, width)),
                               static_cast<std::uint8_t>(80 + 100 * y / std::max(1, height)), 140);
    }
    cv::RNG rng(seed);
    const int side = std::max(8, std::min(width, height));
    for (int i = 0; i < 300; ++i) {
        const cv::Scalar colour(rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256));
        const cv::Point c(rng.uniform(0, width), rng.uniform(0, height));
        const int r = rng.uniform(side / 100 + 2, side / 8 + 3);
        if (i % 3 == 0)
            cv::circle(img, c, r, colour, cv::FILLED, cv::LINE_AA);
        else if (i % 3 == 1)
            cv::rectangle(img, cv::Rect(c.x, c.y, r, r / 2 + 1), colour, cv::FILLED);
        else
            cv::line(img, c, cv::Point(c.x + r, c.y + r / 3), colour, std::max(1, side / 400), cv::LINE_AA);
    }
    cv::Mat noise(img.size(), CV_8UC3);
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(6));
    cv::Mat noisy;
    cv::add(img, noise, noisy, cv::noArray(), CV_8UC3);
    return noisy;
}

}  // namespace sem::devbench

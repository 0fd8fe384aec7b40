#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace sem {

struct HintParams {
    int factor = 0;     // 0 = no hint; else 8, 16, 32 or 64: thumbnail side = ceil(side / factor)
    int quality = -1;   // codec quality 1..100, -1 = the measured default
    void validate() const;  // throws sem::Error
};

// A tiny colour thumbnail: the colour layout the edges and caption do not carry.
class HintCodec {
public:
    static std::vector<std::uint8_t> encode(const cv::Mat& bgr, const HintParams& params);
    // The decoded thumbnail (CV_8UC3), validated against the image size before allocation.
    static cv::Mat decodeThumbnail(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight);
    // The thumbnail upsampled (bicubic) to the image size: the hint-only reconstruction.
    static cv::Mat decodeUpsampled(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight);
};

}  // namespace sem

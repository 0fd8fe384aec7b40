#pragma once
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace sem {

// AVIF through libavif directly (OpenCV 4.6 cannot write AVIF). Debian 12's libavif 0.11 has
// no 0..100 quality setting, so quality q in 1..100 maps linearly onto the AV1 quantizer:
// quantizer = round((100 - q) * 63 / 99), used as both min and max (q 1 -> 63, q 100 -> 0).
// Images are coded as 8-bit YUV 4:2:0, BT.601 matrix, full range, encoder speed 6.
class AvifCodec {
public:
    // Whether the linked libavif has an AV1 encoder and an AV1 decoder compiled in.
    static bool available();
    // Name of the AV1 encoder libavif uses ("aom", "rav1e", "svt"), empty if none.
    static const char* encoderName();
    static int quantizerForQuality(int quality);

    // Throws sem::Error ("avif: ...") when no encoder is compiled in or encoding fails.
    static std::vector<std::uint8_t> encode(const cv::Mat& bgr, int quality, int speed = 6);
    // Returns a CV_8UC3 BGR image; throws sem::Error on corrupt data or a side > 16384.
    static cv::Mat decode(const std::vector<std::uint8_t>& data);
};

}  // namespace sem

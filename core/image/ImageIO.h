#pragma once
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace sem {

struct ImageLimits {
    long long maxSide = 16384;
    long long maxPixels = 100'000'000;
    std::uint64_t maxFileBytes = 1ull << 30;
};

struct LoadedImage {
    cv::Mat bgr;                        // CV_8UC3, EXIF orientation applied
    std::string format;                 // from the header: "png", "jpeg", ...
    int sourceChannels = 0;             // 1, 2 (gray+alpha), 3 or 4
    int sourceBitDepth = 8;             // 8 or 16
    std::vector<std::string> warnings;  // e.g. alpha composited, 16-bit reduced
};

class ImageIO {
public:
    // Loads PNG, JPEG, WebP, TIFF or BMP; 8/16-bit; gray, RGB or RGBA (alpha composited over white,
    // with a warning). The header is checked against `limits` before any pixel is decoded.
    // Throws sem::Error naming the file and the problem.
    static LoadedImage load(const std::string& path, const ImageLimits& limits = {});
    static LoadedImage decode(const std::vector<std::uint8_t>& bytes, const std::string& name,
                              const ImageLimits& limits = {});
    // Writes CV_8UC3 `bgr` atomically; the format follows the extension (png, jpg, webp, tif, bmp).
    static void save(const std::string& path, const cv::Mat& bgr);
    // Encodes to an in-memory file of the given extension (".png", ...).
    static std::vector<std::uint8_t> encode(const cv::Mat& bgr, const std::string& extension);
};

}  // namespace sem

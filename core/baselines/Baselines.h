#pragma once
#include <cstddef>
#include <optional>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace sem {

enum class BaselineCodec { Jpeg, Webp, Jp2, Avif, WebpDownscale };

struct BaselineResult {
    BaselineCodec codec = BaselineCodec::Jpeg;
    bool reached = false;      // false: even the lowest setting is above the target
    int quality = 0;           // codec quality used
    int downscale = 1;         // image side divided by this before coding (WebpDownscale)
    std::size_t bytes = 0;     // size of the coded file
    double bpp = 0.0;
    cv::Mat decoded;           // CV_8UC3 at the original size (bicubic upscale where downscaled)
};

class Baselines {
public:
    static std::vector<BaselineCodec> all();
    static std::string name(BaselineCodec codec);  // "jpeg", "webp", "jp2", "avif", "webp-downscale"
    static std::optional<BaselineCodec> parse(const std::string& name);

    // Codes `bgr` with one setting and decodes it back.
    static BaselineResult encodeDecode(const cv::Mat& bgr, BaselineCodec codec, int quality, int downscale = 1);
    // The best quality (and downscale factor) whose file is at or just under targetBpp.
    // If none fits, `reached` is false and the smallest setting is returned.
    static BaselineResult atTargetBpp(const cv::Mat& bgr, BaselineCodec codec, double targetBpp);
};

}  // namespace sem

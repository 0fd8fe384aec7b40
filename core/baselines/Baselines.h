#pragma once
#include <cstddef>
#include <functional>
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
    double bpp = 0.0;          // bytes * 8 over the ORIGINAL image's pixel count
    cv::Mat decoded;           // CV_8UC3 at the original size (bicubic upscale where downscaled)
};

// Classical codecs for the rate-distortion comparison.
//   jpeg: OpenCV/libjpeg, quality 1..100, optimised Huffman tables, 4:2:0.
//   webp: OpenCV/libwebp lossy, quality 1..100.
//   jp2:  OpenCV/OpenJPEG, IMWRITE_JPEG2000_COMPRESSION_X1000 1..1000 (1000 / value = ratio);
//         needs sides >= 32 (OpenJPEG default of 6 resolution levels).
//   avif: libavif + its AV1 encoder (aom on Debian 12), see AvifCodec.h for the quality mapping.
//   webp-downscale: INTER_AREA downscale by an integer factor, WebP, decode, INTER_CUBIC upscale.
// Any codec accepts a downscale factor in encodeDecode(); atTargetBpp() searches it only for
// WebpDownscale. Inputs must be non-empty CV_8UC3 with sides <= 16384; errors are sem::Error.
class Baselines {
public:
    static std::vector<BaselineCodec> all();
    static std::string name(BaselineCodec codec);  // "jpeg", "webp", "jp2", "avif", "webp-downscale"
    static std::optional<BaselineCodec> parse(const std::string& name);  // exact names, any case
    static bool isAvailable(BaselineCodec codec);  // an encoder and decoder are compiled in
    static int minQuality(BaselineCodec codec);    // 1
    static int maxQuality(BaselineCodec codec);    // 100, or 1000 for jp2
    // Downscale factors atTargetBpp tries for WebpDownscale: 1 2 3 4 6 8 12 16 24 ... while the
    // smaller downscaled side stays >= 8 pixels.
    static std::vector<int> downscaleFactors(int width, int height);

    // Codes `bgr` with one setting and decodes it back.
    static BaselineResult encodeDecode(const cv::Mat& bgr, BaselineCodec codec, int quality, int downscale = 1);
    // The best quality (and downscale factor) whose file is at or just under targetBpp.
    // If none fits, `reached` is false and the smallest setting is returned.
    // Bracketing search on quality (interpolated file size, bisection fallback), then a probe of
    // 2 settings above the answer in case sizes are not quite monotone (not for jp2). WebpDownscale
    // runs that search for each factor of downscaleFactors() and returns the factor+quality with
    // the best RGB PSNR; it stops once PSNR fell twice in a row or a factor fits at quality 100.
    static BaselineResult atTargetBpp(const cv::Mat& bgr, BaselineCodec codec, double targetBpp);
    // Asked before every encode of a search; true stops it (for a sweep the user can cancel).
    using StopCheck = std::function<bool()>;
    // The same for several targets at once, sharing the encodes between them (for rd sweeps).
    // Results are in the order of `targetsBpp`. When `stop` returns true the search ends before
    // its next encode and the results of the targets finished so far are returned (fewer than
    // `targetsBpp`); `stop` runs on the calling thread, so a flag set elsewhere must be atomic.
    static std::vector<BaselineResult> atTargetBpps(const cv::Mat& bgr, BaselineCodec codec,
                                                    const std::vector<double>& targetsBpp,
                                                    const StopCheck& stop = {});
};

}  // namespace sem

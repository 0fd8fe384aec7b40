#pragma once
#include <opencv2/core/mat.hpp>
#include <string>

#include "core/edges/CannyParams.h"
#include "core/edges/EdgeMap.h"
#include "core/format/SemFile.h"
#include "core/hint/HintCodec.h"

namespace sem {

struct EncodeOptions {
    CannyParams canny;
    HintParams hint;
    std::string caption;        // UTF-8; empty = no caption chunk
    bool writeMetadata = true;  // encoder settings as compressed JSON (strippable)
    DecodeSettings decode;      // recorded sampler settings (present=false: decoder defaults)
    std::uint32_t modelId = 0;
};

struct EncodeResult {
    SemFile file;
    EdgeMap edges;       // the map that was coded (for previews)
    double thresholdLow = 0, thresholdHigh = 0;  // the thresholds asked for (see canny.autoThresholds)
};

// image -> .sem: edges (JBIG), caption (TextCodec), hint (HintCodec), container.
class Encoder {
public:
    static EncodeResult encode(const cv::Mat& bgr, const EncodeOptions& options);
    // Throws sem::Error if `bgr` is not a non-empty 8-bit colour image or an option is out of range.
    static void validate(const cv::Mat& bgr, const EncodeOptions& options);
    // The file around streams already made from an image of `size` with `options` (encode() is
    // extract + code + assemble; RateLadder reuses edge maps and thumbnails across its rungs).
    static EncodeResult assemble(cv::Size size, const EncodeOptions& options, EdgeMap edges,
                                 std::vector<std::uint8_t> edgeStream, std::vector<std::uint8_t> hintStream);
    static std::string metadataJson(const EncodeOptions& options, double low, double high);
};

}  // namespace sem

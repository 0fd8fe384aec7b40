#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace sem {

// The JBIG-KIT encoder settings for one bitmap (see jbig.h / ITU-T T.82).
struct JbigOptions {
    int order = 0;             // JBG_HITOLO | JBG_SEQ | JBG_ILEAVE | JBG_SMID bits (irrelevant with 1 layer)
    int options = 0;           // JBG_LRLTWO | JBG_TPBON ... bits written into the BIH
    unsigned long l0 = 0;      // lines per stripe; 0 = the whole bitmap in one stripe
    int mx = 0;                // adaptive template: max horizontal AT offset (0 = fixed template)
};

// Thin, exception-safe wrapper around JBIG-KIT for one single-plane bitmap, one resolution
// layer (no resolution reduction). Bitmaps are CV_8UC1 with nonzero = black/edge.
class JbigCoder {
public:
    static constexpr std::size_t kBihSize = 20;  // bytes of the BIE header (BIH)

    // The complete BIE (BIH + stripe data) for `bitmap`.
    static std::vector<std::uint8_t> encode(const cv::Mat& bitmap, const JbigOptions& options);

    // The BIH JBIG-KIT writes for a width x height bitmap coded with `options`.
    static std::vector<std::uint8_t> header(int width, int height, const JbigOptions& options);

    // Decodes a complete BIE that must describe exactly a width x height single-plane bitmap.
    // The BIH is checked before any decoding; truncated data, trailing bytes and JBIG-KIT errors
    // throw sem::Error("<context>: ..."). Returns CV_8UC1 holding 0/255.
    static cv::Mat decode(const std::uint8_t* bie, std::size_t size, int width, int height, const char* context);
};

}  // namespace sem

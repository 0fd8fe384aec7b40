#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace sem {

struct HintParams {
    int factor = 0;     // 0 = no hint; else 4, 8, 16, 32 or 64: thumbnail side = ceil(side / factor)
    int quality = -1;   // codec quality 1..100, -1 = the measured default
    void validate() const;  // throws sem::Error
};

// A tiny colour thumbnail: the colour layout the edges and caption do not carry.
//
// Payload (docs/bench/text-hint.md has the measurements behind it):
//   u8      (codec << 4) | log2(factor)
//   codec 1 = VP8 key frame (lossy WebP without its RIFF header, which the decoder rebuilds):
//     varint  n, then n bytes: the VP8 bitstream minus its constant 3-byte start code 9d 01 2a,
//             i.e. frame tag (3 bytes), width and height (2 x u16, must be ceil(W/f) x ceil(H/f)),
//             partitions.
//   codec 2 = PlanarThumbnailCodec:
//     u8      quantiser step (1..64)
//     varint  width, varint height (must be ceil(W/f) x ceil(H/f))
//     varint  n, then n bytes of range-coded data.
// An empty payload means "no hint" (factor 0).
class HintCodec {
public:
    static constexpr int kCodecVp8 = 1;
    static constexpr int kCodecPlanar = 2;
    static constexpr int kMaxImageSide = 16384;

    // Throws sem::Error if `bgr` is not a non-empty CV_8UC3 image or the params are invalid.
    // factor 0 gives the empty payload.
    static std::vector<std::uint8_t> encode(const cv::Mat& bgr, const HintParams& params);
    // The decoded thumbnail (CV_8UC3), validated against the image size before allocation.
    // Empty payload: an empty Mat. Throws sem::Error("hint stream: ...") on malformed data.
    static cv::Mat decodeThumbnail(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight);
    // The thumbnail upsampled (bicubic) to the image size: the hint-only reconstruction.
    static cv::Mat decodeUpsampled(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight);
    // A decoded thumbnail upsampled (bicubic) to the image size; empty for an empty thumbnail.
    static cv::Mat upsample(const cv::Mat& thumbnail, int imageWidth, int imageHeight);

    // The pieces, for benchmarks and tests.
    static cv::Size thumbnailSize(int imageWidth, int imageHeight, int factor);
    static cv::Mat makeThumbnail(const cv::Mat& bgr, int factor);  // INTER_AREA
    static int defaultQuality(int factor);                          // measured, per factor
    static int defaultCodec(int factor);                            // measured, per factor
    // The planar codec's quantiser step for a quality 1..100 (100 -> 1, 1 -> 48).
    static int planarStep(int quality);
    // Codes an already-made thumbnail (CV_8UC3) as the payload above; codec -1 = defaultCodec.
    static std::vector<std::uint8_t> encodeThumbnail(const cv::Mat& thumbnailBgr, int factor, int quality,
                                                     int codec = -1);
};

}  // namespace sem

#pragma once
#include <cstddef>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <vector>

namespace sem {

// The hint's codec for very small thumbnails, where a VP8 frame's fixed overhead dominates:
// YCrCb (BT.601, full range) with chroma subsampled 2x2 (INTER_AREA), a uniform quantiser,
// MED (LOCO-I) prediction on the quantised values, and the residuals coded with an adaptive
// binary range coder (zero flag, sign, Exp-Golomb magnitude; contexts by plane and by the
// neighbours' residuals). Chroma uses a coarser step: chromaStep(step).
class PlanarThumbnailCodec {
public:
    static constexpr int kMaxStep = 64;

    static int chromaStep(int step);
    // The range-coded data only (no header): the caller stores step, size and length.
    static std::vector<std::uint8_t> encode(const cv::Mat& thumbnailBgr, int step);
    // Decodes a thumbnail of the given size (checked by the caller); throws sem::Error
    // ("hint stream: ...") when a decoded sample falls outside the quantiser's range.
    static cv::Mat decode(const std::uint8_t* data, std::size_t size, cv::Size thumbnailSize, int step);
};

}  // namespace sem

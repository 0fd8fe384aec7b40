#pragma once
#include <opencv2/core/mat.hpp>
#include <string>

#include "core/edges/EdgeMap.h"
#include "core/format/SemFile.h"

namespace sem {

// The streams of a .sem file, each decoded and validated against the image size.
struct DecodedStreams {
    EdgeMap edges;         // empty when the file has no edge chunk
    std::string caption;   // empty when absent
    cv::Mat hintThumbnail; // empty when absent
    cv::Mat hintUpsampled; // hint at full size (bicubic), empty when absent
};

// .sem -> its decoded streams (edges, caption, hint), what the decoder and the viewers start from.
// The hint is decoded once: the thumbnail, then upsampled from it.
class StreamDecoder {
public:
    // Throws sem::Error naming the stream that is malformed.
    static DecodedStreams decode(const SemFile& file);
};

}  // namespace sem

#pragma once
#include "core/caption/CaptionSettings.h"

#include <QByteArray>
#include <opencv2/core/mat.hpp>

namespace sem {

// The body of POST {base}/chat/completions for one image.
class CaptionRequest {
public:
    static constexpr int kMaxSide = 1024;     // the image sent is at most this long
    static constexpr int kMaxSideLowDetail = 512;
    static constexpr int kJpegQuality = 85;

    // The longest side sent for a detail setting: 512 for "low" (OpenAI looks at a 512 px
    // version then anyway, and the upload is about 3x smaller), else 1024.
    static int maxSideFor(const QString& detail);

    // The image as JPEG: 8-bit grey, BGR or BGRA in; downscaled (area) so that the longest
    // side is <= maxSide (1..kMaxSide). Throws sem::Error("caption: ...") for an empty or
    // non-8-bit image.
    static QByteArray encodeJpeg(const cv::Mat& image, int maxSide = kMaxSide);

    // {"model", "max_tokens", "messages":[{"role":"user","content":[{"type":"text",...},
    //  {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,...","detail":...}}]}]}
    static QByteArray body(const QByteArray& jpeg, const CaptionSettings& settings);

    // Enough tokens for `maxWords` words; the word budget itself is enforced afterwards.
    static int maxTokens(int maxWords);
};

}  // namespace sem

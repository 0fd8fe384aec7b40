// libFuzzer target: the hint stream (HintCodec::decodeThumbnail) for an image size taken from the
// input (FuzzInput.h). sem::Error is a normal outcome; anything else is a finding, and so is a
// thumbnail that is not CV_8UC3 of the size the payload's factor implies.
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>

#include "core/common/Error.h"
#include "core/hint/HintCodec.h"
#include "fuzz/FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    sem::fuzz::SizedInput in;
    if (!sem::fuzz::splitSized(data, size, in))
        return 0;
    try {
        const cv::Mat t = sem::HintCodec::decodeThumbnail(in.data, in.size, in.width, in.height);
        if (in.size == 0) {
            if (!t.empty())
                __builtin_trap();
            return 0;
        }
        const int factor = 1 << (in.data[0] & 0x0F);
        const cv::Size expected = sem::HintCodec::thumbnailSize(in.width, in.height, factor);
        if (t.type() != CV_8UC3 || t.size() != expected)
            __builtin_trap();
    } catch (const sem::Error&) {
    }
    return 0;
}

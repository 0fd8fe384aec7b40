// libFuzzer target: the caption stream (TextCodec::decode). sem::Error is a normal outcome; anything
// else is a finding, and so is a decoded caption over the limit or not valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/Error.h"
#include "core/text/TextCodec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const std::string caption = sem::TextCodec::decode(data, size);
        if (caption.size() > sem::TextCodec::kMaxCaptionBytes || !sem::TextCodec::isValidUtf8(caption))
            __builtin_trap();
    } catch (const sem::Error&) {
    }
    return 0;
}

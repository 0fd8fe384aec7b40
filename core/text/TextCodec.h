#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sem {

// Compression of the caption (UTF-8). The method is the one measured smallest in
// docs/BENCHMARKS.md; the payload's first byte names the method so old files stay readable.
class TextCodec {
public:
    static constexpr std::size_t kMaxCaptionBytes = 2048;

    // Throws sem::Error if `utf8` is not valid UTF-8 or longer than kMaxCaptionBytes.
    static std::vector<std::uint8_t> encode(std::string_view utf8);
    // Throws sem::Error("caption stream: ...") on malformed data, on output over the limit
    // (checked while decompressing, never after) and on invalid UTF-8.
    static std::string decode(const std::uint8_t* data, std::size_t size);

    static bool isValidUtf8(std::string_view s);
};

}  // namespace sem

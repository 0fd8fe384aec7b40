#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sem {

// Compression of the caption (UTF-8). The method is the one measured smallest in
// docs/bench/text-hint.md; the payload's first byte names the method so old files stay readable.
class TextCodec {
public:
    static constexpr std::size_t kMaxCaptionBytes = 2048;

    // Method ids (the payload's first byte). An empty payload is the empty caption.
    static constexpr std::uint8_t kMethodStored = 0;        // raw UTF-8
    static constexpr std::uint8_t kMethodBrotli = 1;        // brotli q11, text mode, built-in dictionary
    static constexpr std::uint8_t kMethodDeflateDict1 = 2;  // raw deflate, preset dictionary kCaptionDictionary

    // Throws sem::Error if `utf8` is not valid UTF-8 or longer than kMaxCaptionBytes.
    // kMethodDeflateDict1, or kMethodStored where that is smaller (e.g. non-English text);
    // the empty caption encodes to the empty payload.
    static std::vector<std::uint8_t> encode(std::string_view utf8);
    // Encodes with a given method (for benchmarks and tests); the empty caption gets a payload too.
    static std::vector<std::uint8_t> encodeWith(std::string_view utf8, std::uint8_t method);
    // Throws sem::Error("caption stream: ...") on malformed data, on output over the limit
    // (checked while decompressing, never after) and on invalid UTF-8.
    static std::string decode(const std::uint8_t* data, std::size_t size);

    static bool isValidUtf8(std::string_view s);
};

}  // namespace sem

#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace sem {

// What an image file's header says, read without decoding any pixel: enough to refuse a
// decompression bomb before a single pixel buffer is allocated.
struct ImageHeader {
    std::string format;  // "png", "jpeg", "webp", "tiff", "bmp"
    long long width = 0;
    long long height = 0;
    bool hasAlpha = false;
};

class ImageHeaderProbe {
public:
    // Throws sem::Error when the bytes are no image of a supported format or the header is cut off.
    static ImageHeader probe(const std::uint8_t* data, std::size_t size);
};

}  // namespace sem

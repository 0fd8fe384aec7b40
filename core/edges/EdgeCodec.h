#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/edges/EdgeMap.h"

namespace sem {

// Lossless coding of an EdgeMap with JBIG-KIT (JBIG1, context-adaptive arithmetic coding).
// The payload carries the scale denominator and the plane count; map width/height follow
// from the image size, so a decoder checks the JBIG header against them before allocating.
class EdgeCodec {
public:
    static std::vector<std::uint8_t> encode(const EdgeMap& map);
    // Throws sem::Error("edge stream: ...") on anything malformed or inconsistent with the image size.
    static EdgeMap decode(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight);
};

}  // namespace sem

#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/edges/EdgeMap.h"
#include "core/edges/JbigCoder.h"

namespace sem {

// Lossless coding of an EdgeMap with JBIG-KIT (JBIG1, context-adaptive arithmetic coding).
// The payload carries the scale denominator and the plane count; map width/height follow
// from the image size given to decode(), so every allocation is bounded by it.
//
// Payload layout (every byte counts, so the 20-byte JBIG header is not stored: it follows
// from the image size and the profile, and the decoder rebuilds it):
//   byte 0: bits 0-1 log2(scale denominator), bits 2-3 plane count (1 or 3),
//           bits 4-6 JBIG profile (index into profileOptions), bit 7 reserved (0)
//   per plane: varint n, then n bytes: the plane's BIE without its 20-byte BIH and without
//              the final 2-byte SDNORM marker (0xFF 0x02).
class EdgeCodec {
public:
    static constexpr int kProfileCount = 4;
    static constexpr int kDefaultProfile = 0;  // see docs/bench/edges.md
    static constexpr int kMaxMapSide = 16384;

    static std::vector<std::uint8_t> encode(const EdgeMap& map);
    // Encodes with one JBIG profile in [0, kProfileCount) (for tuning and tests).
    static std::vector<std::uint8_t> encode(const EdgeMap& map, int profile);
    // Throws sem::Error("edge stream: ...") on anything malformed or inconsistent with the image size.
    static EdgeMap decode(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight);

    // The JBIG-KIT settings behind a profile index; throws sem::Error for an unknown index.
    static JbigOptions profileOptions(int profile);
    // A short human-readable name of a profile, e.g. "3-line template, no TPB, 1 stripe".
    static const char* profileName(int profile);
};

}  // namespace sem

#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/edges/EdgeMap.h"
#include "core/edges/JbigCoder.h"

namespace sem {

// Lossless coding of an EdgeMap with JBIG-KIT's context-adaptive arithmetic coding: either a
// JBIG1 stream (profiles 0-3) or the library's arithmetic coder over trained contexts (profile 4,
// ContextCoder with EdgeContextTables). The payload carries the scale denominator and the plane
// count; map width/height follow from the image size given to decode(), so every allocation is
// bounded by it.
//
// Payload layout (every byte counts, so the 20-byte JBIG header is not stored: it follows
// from the image size and the profile, and the decoder rebuilds it):
//   byte 0: bits 0-1 log2(scale denominator), bits 2-3 plane count (1 or 3),
//           bits 4-6 profile, bit 7 reserved (0)
//   per plane: varint n, then n bytes: for profiles 0-3 the plane's BIE without its 20-byte BIH
//              and without the final 2-byte SDNORM marker (0xFF 0x02); for profile 4 the
//              ContextCoder stream of the plane with the scale's trained table.
class EdgeCodec {
public:
    static constexpr int kProfileCount = 5;
    static constexpr int kJbigProfileCount = 4;  // profiles 0-3 are JBIG1 option sets
    static constexpr int kContextProfile = 4;    // trained contexts
    static constexpr int kMaxMapSide = 16384;

    // The smaller of the context profile and JBIG profile 0 (the context profile almost always;
    // see docs/bench/edges.md).
    static std::vector<std::uint8_t> encode(const EdgeMap& map);
    // Encodes with one profile in [0, kProfileCount) (for tuning and tests).
    static std::vector<std::uint8_t> encode(const EdgeMap& map, int profile);
    // Throws sem::Error("edge stream: ...") on anything malformed or inconsistent with the image size.
    static EdgeMap decode(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight);

    // The JBIG-KIT settings behind a JBIG profile index (0..3); throws sem::Error for any other.
    static JbigOptions profileOptions(int profile);
    // A short human-readable name of a profile, e.g. "3-line template, no TPB, 1 stripe".
    static const char* profileName(int profile);
};

}  // namespace sem

#pragma once
#include <string>
#include <vector>

namespace sem {

struct EncodeOptions;

// One setting of the semantic codec, as `semc eval --points` and RateLadder write it:
// `SCALE:HINT[:HIGH[:MINLEN]]`.
// SCALE 1, 2, 4 or 8 is the edge map's scale denominator, 0 = no edge chunk (the hint decoded by the
// model alone); HINT 4, 8, 16, 32 or 64 the hint factor, optionally followed by qQ for the hint's
// codec quality 1..100 (e.g. 8q20; absent: the codec's default for the factor); HIGH the Canny high
// threshold 1..1000 with low = HIGH / 2 (absent: the encoder's 100/200); MINLEN drops edge fragments
// shorter than that many pixels (absent: 0).
struct OperatingPoint {
    int scale = 4;
    int hint = 16;
    int hintQuality = -1;  // -1 = HintCodec's default for the factor
    double high = 0;  // 0 = encoder default thresholds
    int minLength = 0;

    std::string label(bool caption) const;
    // The `SCALE:HINT[qQ][:HIGH[:MINLEN]]` text that parses back to this point.
    std::string point() const;
    // Sets the edge and hint fields of `o` (edges are still extracted when scale is 0; the caller
    // drops the chunk, see `hasEdges`).
    void apply(EncodeOptions& o) const;
    bool hasEdges() const { return scale != 0; }
};

// Parses a comma-separated list; throws sem::Error naming the bad item.
std::vector<OperatingPoint> parseOperatingPoints(const std::string& list);

}  // namespace sem

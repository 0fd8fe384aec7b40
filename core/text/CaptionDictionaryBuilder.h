#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace sem {

// Builds the preset dictionary of the deflate caption method from a training set of captions,
// and prints it as the C++ source of core/text/CaptionDictionary.cpp. The shipped dictionary is
// regenerated with `runWriteCaptionDictionary` (cli/bench/TextBench.h); see docs/bench/text-hint.md.
class CaptionDictionaryBuilder {
public:
    // Frequent word n-grams (1..4 words, each with its leading space), scored by
    // count * (length - 3) (deflate cannot code a match shorter than 3 bytes), taken greedily
    // while the total stays <= maxBytes; an n-gram already inside a chosen one is skipped. The
    // most valuable strings go last: deflate codes matches near the end of the window with
    // shorter distances.
    static std::string build(const std::vector<std::string>& captions, std::size_t maxBytes);

    // The dictionary as a C++ source file defining sem::kCaptionDictionary (see CaptionDictionary.h).
    static std::string toCppSource(const std::string& dictionary, const std::string& provenance);
};

}  // namespace sem

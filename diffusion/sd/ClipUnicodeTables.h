#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

// The Unicode data of the CLIP tokenizer's text cleaning and pre-tokenizer, generated from the
// reference's own Python (tests/diffusion/sd/reference/gen_unicode_tables.py writes
// ClipUnicodeTables.cpp and ClipHtmlEntities.cpp). Every table is sorted for a binary search.
namespace sem::diffusion::sd::clip_tables {

struct CodeRange {
    char32_t first, last;
};
struct ClassRun {  // from `first` up to the next run's first
    char32_t first;
    std::uint8_t cls;  // 0 none (separator), 1 letter, 2 number, 3 other (punctuation, symbols)
};
struct LowerRun {  // first, first + stride, ... last map to cp + delta
    char32_t first, last;
    std::uint8_t stride;
    std::int32_t delta;
};
struct MultiLower {
    char32_t cp;
    const char* utf8;
};
struct Decomposition {
    char32_t cp, first, second;  // second 0: a singleton
};
struct CombiningRun {
    char32_t first, last;
    std::uint8_t ccc;
};
struct Composition {
    char32_t first, second, composite;
};
struct Replacement {
    char32_t cp;
    const char* utf8;
};
struct Entity {
    const char* name;  // "&amp;"
    const char* utf8;
};
struct InvalidCharref {
    char32_t number, replacement;
};

extern const ClassRun kClassRuns[];
extern const std::size_t kClassRunsSize;
extern const CodeRange kRegexSpace[];
extern const std::size_t kRegexSpaceSize;
extern const CodeRange kPySpace[];
extern const std::size_t kPySpaceSize;
extern const CodeRange kDigits[];
extern const std::size_t kDigitsSize;
extern const LowerRun kLowerRuns[];
extern const std::size_t kLowerRunsSize;
extern const MultiLower kLowerMulti[];
extern const std::size_t kLowerMultiSize;
extern const CodeRange kCaseIgnorable[];
extern const std::size_t kCaseIgnorableSize;
extern const CodeRange kCased[];
extern const std::size_t kCasedSize;
extern const Decomposition kDecompositions[];
extern const std::size_t kDecompositionsSize;
extern const CombiningRun kCombining[];
extern const std::size_t kCombiningSize;
extern const Composition kCompositions[];
extern const std::size_t kCompositionsSize;
extern const char32_t kNfcQuickFirst;
extern const CodeRange kNfcUnsafe[];
extern const std::size_t kNfcUnsafeSize;
extern const Replacement kWidth[];
extern const std::size_t kWidthSize;
extern const char32_t kC1[32];
extern const Entity kEntities[];
extern const std::size_t kEntitiesSize;
extern const InvalidCharref kInvalidCharrefs[];
extern const std::size_t kInvalidCharrefsSize;
extern const CodeRange kInvalidCodepoints[];
extern const std::size_t kInvalidCodepointsSize;

// Whether cp lies in one of the sorted ranges.
inline bool inRanges(const CodeRange* ranges, std::size_t size, char32_t cp) {
    const CodeRange* end = ranges + size;
    const CodeRange* it = std::upper_bound(ranges, end, cp, [](char32_t c, const CodeRange& r) { return c < r.first; });
    return it != ranges && cp <= (it - 1)->last;
}

}  // namespace sem::diffusion::sd::clip_tables

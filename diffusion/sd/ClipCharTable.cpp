#include "diffusion/sd/ClipCharTable.h"

#include <algorithm>
#include <memory>

#include "diffusion/sd/ClipUnicodeTables.h"

namespace sem::diffusion::sd::clip_tables {

int ClipCharTable::searchCharClass(char32_t cp) {
    const ClassRun* end = kClassRuns + kClassRunsSize;
    const ClassRun* it = std::upper_bound(kClassRuns, end, cp, [](char32_t c, const ClassRun& r) { return c < r.first; });
    return it == kClassRuns ? 0 : (it - 1)->cls;
}

int ClipCharTable::searchCombiningClass(char32_t cp) {
    const CombiningRun* end = kCombining + kCombiningSize;
    const CombiningRun* it =
        std::upper_bound(kCombining, end, cp, [](char32_t c, const CombiningRun& r) { return c < r.first; });
    return (it != kCombining && cp <= (it - 1)->last) ? (it - 1)->ccc : 0;
}

bool ClipCharTable::searchHas(char32_t cp, Flag flag) {
    switch (flag) {
    case kIsRegexSpace:
        return inRanges(kRegexSpace, kRegexSpaceSize, cp);
    case kIsPySpace:
        return inRanges(kPySpace, kPySpaceSize, cp);
    case kIsCased:
        return inRanges(kCased, kCasedSize, cp);
    case kIsCaseIgnorable:
        return inRanges(kCaseIgnorable, kCaseIgnorableSize, cp);
    case kIsNfcUnsafe:
        return cp >= kNfcQuickFirst && inRanges(kNfcUnsafe, kNfcUnsafeSize, cp);
    case kDecomposes: {
        const Decomposition* end = kDecompositions + kDecompositionsSize;
        const Decomposition* it =
            std::lower_bound(kDecompositions, end, cp, [](const Decomposition& d, char32_t v) { return d.cp < v; });
        return it != end && it->cp == cp;
    }
    case kComposesFirst: {
        const Composition* end = kCompositions + kCompositionsSize;
        const Composition* it =
            std::lower_bound(kCompositions, end, cp, [](const Composition& c, char32_t v) { return c.first < v; });
        return it != end && it->first == cp;
    }
    }
    return false;
}

const ClipCharTable::Entry* ClipCharTable::bmp() {
    static const std::unique_ptr<Entry[]> table = [] {
        auto entries = std::make_unique<Entry[]>(kSize);
        for (char32_t cp = 0; cp < kSize; ++cp) {
            Entry& e = entries[cp];
            e.cls = static_cast<std::uint8_t>(searchCharClass(cp));
            e.ccc = static_cast<std::uint8_t>(searchCombiningClass(cp));
            e.flags = 0;
            for (Flag f : {kIsRegexSpace, kIsPySpace, kIsCased, kIsCaseIgnorable, kIsNfcUnsafe})
                if (searchHas(cp, f))
                    e.flags = static_cast<std::uint8_t>(e.flags | f);
        }
        // the decomposition and composition tables are sorted by code point: one pass each
        for (std::size_t i = 0; i < kDecompositionsSize; ++i)
            if (kDecompositions[i].cp < kSize)
                entries[kDecompositions[i].cp].flags |= kDecomposes;
        for (std::size_t i = 0; i < kCompositionsSize; ++i)
            if (kCompositions[i].first < kSize)
                entries[kCompositions[i].first].flags |= kComposesFirst;
        return entries;
    }();
    return table.get();
}

int ClipCharTable::charClass(char32_t cp) { return cp < kSize ? bmp()[cp].cls : searchCharClass(cp); }

int ClipCharTable::combiningClass(char32_t cp) { return cp < kSize ? bmp()[cp].ccc : searchCombiningClass(cp); }

bool ClipCharTable::has(char32_t cp, Flag flag) { return cp < kSize ? (bmp()[cp].flags & flag) != 0 : searchHas(cp, flag); }

}  // namespace sem::diffusion::sd::clip_tables

#pragma once
#include <cstdint>

namespace sem::diffusion::sd::clip_tables {

// The character properties the tokenizer's text cleaning and pre-tokenizer ask for at every
// character, as O(1) lookups: for the Basic Multilingual Plane one array of 65,536 entries (192 KB)
// built once, on first use, from the sorted tables of ClipUnicodeTables.h; code points above U+FFFF
// (rare in captions) search those tables as before. Same answers as the tables for every code point
// (tst_cliptokenizer checks all 1,114,112).
class ClipCharTable {
public:
    enum Flag : std::uint8_t {
        kIsRegexSpace = 1,     // \s of the pre-tokenizer's regex
        kIsPySpace = 2,        // str.isspace()
        kIsCased = 4,          // Cased (the final-sigma rule)
        kIsCaseIgnorable = 8,  // Case_Ignorable (the final-sigma rule)
        kIsNfcUnsafe = 16,     // NFC may change, compose or reorder it (not NFC_Quick_Check=Yes with ccc 0)
        kDecomposes = 32,    // has a canonical decomposition (Hangul syllables excluded)
        kComposesFirst = 64  // the first of some canonical composition pair (Hangul excluded)
    };

    // 0 none (separator), 1 [\p{L}], 2 [\p{N}], 3 [^\s\p{L}\p{N}]
    static int charClass(char32_t cp);
    // canonical combining class
    static int combiningClass(char32_t cp);
    static bool has(char32_t cp, Flag flag);

    // the same answers from the sorted tables alone (the planes above the BMP; tests)
    static int searchCharClass(char32_t cp);
    static int searchCombiningClass(char32_t cp);
    static bool searchHas(char32_t cp, Flag flag);

private:
    struct Entry {
        std::uint8_t cls, ccc, flags;
    };
    static constexpr char32_t kSize = 0x10000;
    static const Entry* bmp();
};

}  // namespace sem::diffusion::sd::clip_tables

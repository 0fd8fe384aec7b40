#include "diffusion/sd/ClipText.h"

#include <algorithm>
#include <cstring>

#include "diffusion/sd/ClipCharTable.h"
#include "diffusion/sd/ClipUnicodeTables.h"

// The text side of the CLIP tokenizer: UTF-8, NFC, whitespace_clean, str.lower() and the
// pre-tokenizer pattern; ftfy's fix_text is in ClipFixText.cpp.
namespace sem::diffusion::sd::cliptext {
namespace {

namespace t = sem::diffusion::sd::clip_tables;

using Chars = t::ClipCharTable;

int charClass(char32_t cp) { return Chars::charClass(cp); }
bool isRegexSpace(char32_t cp) { return Chars::has(cp, Chars::kIsRegexSpace); }
bool isCased(char32_t cp) { return Chars::has(cp, Chars::kIsCased); }
bool isCaseIgnorable(char32_t cp) { return Chars::has(cp, Chars::kIsCaseIgnorable); }

// ---- NFC
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
                   kSCount = kLCount * kNCount;

int combiningClass(char32_t cp) { return Chars::combiningClass(cp); }

void decompose(char32_t cp, std::u32string& out) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
        char32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0)
            out.push_back(kTBase + s % kTCount);
        return;
    }
    if (!Chars::has(cp, Chars::kDecomposes)) {
        out.push_back(cp);
        return;
    }
    const t::Decomposition* end = t::kDecompositions + t::kDecompositionsSize;
    const t::Decomposition* it = std::lower_bound(t::kDecompositions, end, cp,
        [](const t::Decomposition& d, char32_t v) { return d.cp < v; });
    if (it == end || it->cp != cp) {
        out.push_back(cp);
        return;
    }
    decompose(it->first, out);
    if (it->second != 0)
        decompose(it->second, out);
}

char32_t compose(char32_t a, char32_t b) {
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount)
        return a + (b - kTBase);
    if (!Chars::has(a, Chars::kComposesFirst))
        return 0;
    const t::Composition* end = t::kCompositions + t::kCompositionsSize;
    const t::Composition* it = std::lower_bound(t::kCompositions, end, std::make_pair(a, b),
        [](const t::Composition& c, const std::pair<char32_t, char32_t>& v) {
            return c.first < v.first || (c.first == v.first && c.second < v.second);
        });
    return (it != end && it->first == a && it->second == b) ? it->composite : 0;
}

}  // namespace

// ---- UTF-8
std::u32string decodeUtf8(const std::string& utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const std::size_t n = utf8.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char b = p[i];
        if (b < 0x80) {
            out.push_back(b);
            ++i;
            continue;
        }
        int need;
        char32_t cp;
        unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            cp = b & 0x0F;
            if (b == 0xE0)
                lo = 0xA0;
            if (b == 0xED)
                hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            cp = b & 0x07;
            if (b == 0xF0)
                lo = 0x90;
            if (b == 0xF4)
                hi = 0x8F;
        } else {
            out.push_back(0xFFFD);  // an invalid start byte
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        bool ok = true;
        for (int k = 0; k < need; ++k, ++j) {
            unsigned char lower = k == 0 ? lo : 0x80, upper = k == 0 ? hi : 0xBF;
            if (j >= n || p[j] < lower || p[j] > upper) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (p[j] & 0x3F);
        }
        if (!ok) {
            out.push_back(0xFFFD);  // the maximal valid prefix, as one replacement
            i = j;
            continue;
        }
        out.push_back(cp);
        i = j;
    }
    return out;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string encodeUtf8(const std::u32string& text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text)
        appendUtf8(out, c);
    return out;
}

bool pyIsSpace(char32_t cp) { return Chars::has(cp, Chars::kIsPySpace); }

std::u32string nfc(const std::u32string& text) {
    // quick check: a text of characters that are NFC_Quick_Check=Yes with combining class 0 is NFC
    bool quick = true;
    for (char32_t c : text)
        if (Chars::has(c, Chars::kIsNfcUnsafe)) {
            quick = false;
            break;
        }
    if (quick)
        return text;
    std::u32string d;
    d.reserve(text.size() + 8);
    for (char32_t c : text)
        decompose(c, d);
    // canonical ordering: a stable sort of each run of non-starters by combining class
    for (std::size_t i = 0; i < d.size();) {
        if (combiningClass(d[i]) == 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < d.size() && combiningClass(d[j]) != 0)
            ++j;
        std::stable_sort(d.begin() + static_cast<std::ptrdiff_t>(i), d.begin() + static_cast<std::ptrdiff_t>(j),
                         [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
    std::u32string out;
    out.reserve(d.size());
    std::ptrdiff_t starter = -1;
    int lastClass = -1;  // class of the last character kept after the starter; -1: none
    for (char32_t c : d) {
        int cc = combiningClass(c);
        if (starter >= 0) {
            bool blocked = lastClass != -1 && (lastClass == 0 || lastClass >= cc);
            if (!blocked) {
                char32_t composite = compose(out[static_cast<std::size_t>(starter)], c);
                if (composite != 0) {
                    out[static_cast<std::size_t>(starter)] = composite;
                    continue;
                }
            }
        }
        if (cc == 0) {
            starter = static_cast<std::ptrdiff_t>(out.size());
            lastClass = -1;
        } else {
            lastClass = cc;
        }
        out.push_back(c);
    }
    return out;
}

std::u32string whitespaceClean(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (isRegexSpace(text[i])) {
            while (i < text.size() && isRegexSpace(text[i]))
                ++i;
            out.push_back(' ');
        } else {
            out.push_back(text[i++]);
        }
    }
    std::size_t b = 0, e = out.size();
    while (b < e && pyIsSpace(out[b]))
        ++b;
    while (e > b && pyIsSpace(out[e - 1]))
        --e;
    return out.substr(b, e - b);
}

std::u32string pyLower(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char32_t c = text[i];
        if (c < 0x80) {
            out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        if (c == 0x3A3) {  // capital sigma: final form in the Final_Sigma context (CPython's rule)
            std::ptrdiff_t j = static_cast<std::ptrdiff_t>(i) - 1;
            while (j >= 0 && isCaseIgnorable(text[static_cast<std::size_t>(j)]))
                --j;
            bool final = j >= 0 && isCased(text[static_cast<std::size_t>(j)]);
            if (final) {
                std::size_t k = i + 1;
                while (k < text.size() && isCaseIgnorable(text[k]))
                    ++k;
                final = k == text.size() || !isCased(text[k]);
            }
            out.push_back(final ? 0x3C2 : 0x3C3);
            continue;
        }
        bool done = false;
        for (std::size_t m = 0; m < t::kLowerMultiSize; ++m)
            if (t::kLowerMulti[m].cp == c) {
                out += decodeUtf8(t::kLowerMulti[m].utf8);
                done = true;
            }
        if (done)
            continue;
        const t::LowerRun* end = t::kLowerRuns + t::kLowerRunsSize;
        const t::LowerRun* it = std::upper_bound(t::kLowerRuns, end, c,
            [](char32_t v, const t::LowerRun& r) { return v < r.first; });
        if (it != t::kLowerRuns) {
            const t::LowerRun& r = *(it - 1);
            if (c <= r.last && (c - r.first) % r.stride == 0)
                c = static_cast<char32_t>(static_cast<std::int64_t>(c) + r.delta);
        }
        out.push_back(c);
    }
    return out;
}

namespace {

// One character against one letter of the pattern, case-insensitively as the `regex` module folds
// (simple case folding): after lowercasing only U+017F LATIN SMALL LETTER LONG S folds onto ASCII.
bool foldEquals(char32_t c, char ascii) {
    if (c == static_cast<char32_t>(ascii))
        return true;
    if (ascii >= 'a' && ascii <= 'z' && c == static_cast<char32_t>(ascii - 32))
        return true;
    return ascii == 's' && c == 0x17F;
}

std::size_t matchLiteral(const std::u32string& s, std::size_t i, const char* lit) {
    std::size_t n = std::strlen(lit);
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 0; k < n; ++k)
        if (!foldEquals(s[i + k], lit[k]))
            return 0;
    return n;
}

}  // namespace

std::vector<std::u32string> preTokenize(const std::u32string& s) {
    // <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
    static const char* const kLiterals[] = {"<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m",
                                           "'ll", "'d"};
    std::vector<std::u32string> tokens;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t len = 0;
        for (const char* lit : kLiterals)
            if ((len = matchLiteral(s, i, lit)) != 0)
                break;
        if (len == 0) {
            int cls = charClass(s[i]);
            if (cls == 1 || cls == 3) {
                len = 1;
                while (i + len < s.size() && charClass(s[i + len]) == cls)
                    ++len;
            } else if (cls == 2) {
                len = 1;
            }
        }
        if (len == 0) {
            ++i;  // no alternative matches here (whitespace): findall moves on
            continue;
        }
        tokens.push_back(s.substr(i, len));
        i += len;
    }
    return tokens;
}

std::u32string clean(const std::u32string& text) { return pyLower(whitespaceClean(fixText(text))); }

}  // namespace sem::diffusion::sd::cliptext

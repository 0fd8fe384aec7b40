#include "diffusion/sd/ClipText.h"

#include <algorithm>
#include <cstring>

#include "diffusion/sd/ClipUnicodeTables.h"

// What the reference does to a caption (transformers 4.33 CLIPTokenizer._tokenize with ftfy 6.1.1):
//   text = whitespace_clean(ftfy.fix_text(text)).lower(), then regex.findall(pattern, text).
// ftfy.fix_text with its defaults, ported here step by step in its own order: the text is fixed in
// segments ending at "\n"; per segment, until nothing changes: unescape_html ("auto": off from the
// first segment that contains "<" on), fix_c1_controls, fix_latin_ligatures, fix_character_width,
// uncurl_quotes, fix_line_breaks, remove_terminal_escapes, remove_control_chars, NFC.
// NOT ported: fix_encoding (ftfy's mojibake detector and its sub-steps restore_byte_a0,
// replace_lossy_sequences, decode_inconsistent_utf8). It changes only text that its "badness"
// heuristic flags as mis-decoded, such as "cafÃ©" (UTF-8 read as Latin-1), which the reference
// turns into "café" and this port tokenizes as written. fix_surrogates has nothing to do here:
// decoded UTF-8 holds no surrogates.
// openai/CLIP's own simple_tokenizer.py additionally applies html.unescape twice, even where ftfy's
// "auto" rule leaves entities alone (a segment with "<"); diffusers' tokenizer (transformers) does
// not, and it is the one followed here.
namespace sem::diffusion::sd::cliptext {
namespace {

namespace t = sem::diffusion::sd::clip_tables;

bool inRanges(const t::CodeRange* ranges, std::size_t size, char32_t cp) {
    const t::CodeRange* end = ranges + size;
    const t::CodeRange* it = std::upper_bound(ranges, end, cp,
        [](char32_t c, const t::CodeRange& r) { return c < r.first; });
    return it != ranges && cp <= (it - 1)->last;
}

int charClass(char32_t cp) {
    const t::ClassRun* end = t::kClassRuns + t::kClassRunsSize;
    const t::ClassRun* it = std::upper_bound(t::kClassRuns, end, cp,
        [](char32_t c, const t::ClassRun& r) { return c < r.first; });
    return it == t::kClassRuns ? 0 : (it - 1)->cls;
}

bool isRegexSpace(char32_t cp) { return inRanges(t::kRegexSpace, t::kRegexSpaceSize, cp); }
bool isDigit(char32_t cp) { return inRanges(t::kDigits, t::kDigitsSize, cp); }
bool isCased(char32_t cp) { return inRanges(t::kCased, t::kCasedSize, cp); }
bool isCaseIgnorable(char32_t cp) { return inRanges(t::kCaseIgnorable, t::kCaseIgnorableSize, cp); }

void appendUtf8To(std::u32string& out, const char* utf8) {
    const std::u32string decoded = decodeUtf8(utf8);
    out += decoded;
}

// ---- unescape_html: ftfy's pattern &#?[0-9A-Za-z]{1,24}; and its replacement rule
bool isAsciiAlnum(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// html.unescape of "&#...;" as ftfy uses it: only a complete decimal or hexadecimal reference is
// decoded (a partial one leaves the ";" behind, and then ftfy keeps the text as it was).
bool numericReference(const std::u32string& body, std::u32string& out) {
    // body: the characters between "&#" and ";"
    bool hex = body[0] == 'x' || body[0] == 'X';
    std::size_t start = hex ? 1 : 0;
    if (start >= body.size())
        return false;
    std::uint64_t num = 0;
    for (std::size_t i = start; i < body.size(); ++i) {
        char32_t c = body[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = static_cast<int>(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            digit = static_cast<int>(c - 'a') + 10;
        else if (hex && c >= 'A' && c <= 'F')
            digit = static_cast<int>(c - 'A') + 10;
        else
            return false;
        num = num * (hex ? 16 : 10) + static_cast<std::uint64_t>(digit);
        if (num > 0x10FFFFu)
            num = 0x110000u;  // saturate: all that matters is "beyond Unicode"
    }
    out.clear();
    for (std::size_t i = 0; i < t::kInvalidCharrefsSize; ++i)
        if (t::kInvalidCharrefs[i].number == num) {
            out.push_back(t::kInvalidCharrefs[i].replacement);
            return true;
        }
    if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
        out.push_back(0xFFFD);
        return true;
    }
    if (inRanges(t::kInvalidCodepoints, t::kInvalidCodepointsSize, static_cast<char32_t>(num)))
        return true;  // dropped
    out.push_back(static_cast<char32_t>(num));
    return true;
}

std::u32string unescapeHtml(const std::u32string& s) {
    std::u32string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '&') {
            std::size_t j = i + 1;
            bool numeric = j < s.size() && s[j] == '#';
            if (numeric)
                ++j;
            std::size_t k = j;
            while (k < s.size() && isAsciiAlnum(s[k]))
                ++k;
            std::size_t len = k - j;
            if (len >= 1 && len <= 24 && k < s.size() && s[k] == ';') {
                // the match is s[i..k]
                std::string name;
                for (std::size_t m = i; m <= k; ++m)
                    name.push_back(static_cast<char>(s[m]));
                const t::Entity* end = t::kEntities + t::kEntitiesSize;
                const t::Entity* it = std::lower_bound(t::kEntities, end, name,
                    [](const t::Entity& e, const std::string& n) { return std::strcmp(e.name, n.c_str()) < 0; });
                if (it != end && name == it->name) {
                    appendUtf8To(out, it->utf8);
                    i = k + 1;
                    continue;
                }
                std::u32string decoded;
                if (numeric && numericReference(s.substr(j, len), decoded) &&
                    decoded.find(U';') == std::u32string::npos) {
                    out += decoded;
                    i = k + 1;
                    continue;
                }
                out.append(s, i, k + 1 - i);  // a match left as it is: go on after it
                i = k + 1;
                continue;
            }
        }
        out.push_back(s[i]);
        ++i;
    }
    return out;
}

// ---- the character fixers
void fixC1Controls(std::u32string& s) {
    for (char32_t& c : s)
        if (c >= 0x80 && c <= 0x9F)
            c = t::kC1[c - 0x80];
}

struct Ligature {
    char32_t cp;
    const char32_t* text;
};
// ftfy's LIGATURES table (chardata.py): Latin ligatures and digraphs only.
const Ligature kLigatures[] = {
    {0x0132, U"IJ"}, {0x0133, U"ij"}, {0x0149, U"\u02BCn"}, {0x01C4, U"D\u017D"}, {0x01C5, U"D\u017E"},
    {0x01C6, U"d\u017E"}, {0x01C7, U"LJ"}, {0x01C8, U"Lj"}, {0x01C9, U"lj"}, {0x01CA, U"NJ"},
    {0x01CB, U"Nj"}, {0x01CC, U"nj"}, {0x01F1, U"DZ"}, {0x01F2, U"Dz"}, {0x01F3, U"dz"},
    {0xFB00, U"ff"}, {0xFB01, U"fi"}, {0xFB02, U"fl"}, {0xFB03, U"ffi"}, {0xFB04, U"ffl"},
    {0xFB05, U"\u017Ft"}, {0xFB06, U"st"},
};

std::u32string fixLigaturesAndWidth(const std::u32string& s) {
    std::u32string out;
    out.reserve(s.size());
    for (char32_t c : s) {
        if ((c >= 0x0132 && c <= 0x01F3) || (c >= 0xFB00 && c <= 0xFB06)) {
            const Ligature* found = nullptr;
            for (const Ligature& l : kLigatures)
                if (l.cp == c)
                    found = &l;
            if (found) {
                out += found->text;
                continue;
            }
        }
        out.push_back(c);
    }
    // fix_character_width runs after all ligatures are replaced; no ligature yields a wide form,
    // so one pass for both is the same.
    std::u32string wide;
    wide.reserve(out.size());
    for (char32_t c : out) {
        if (c == 0x3000 || (c >= 0xFF01 && c <= 0xFFEF)) {
            const t::Replacement* end = t::kWidth + t::kWidthSize;
            const t::Replacement* it = std::lower_bound(t::kWidth, end, c,
                [](const t::Replacement& r, char32_t v) { return r.cp < v; });
            if (it != end && it->cp == c) {
                appendUtf8To(wide, it->utf8);
                continue;
            }
        }
        wide.push_back(c);
    }
    return wide;
}

void uncurlQuotes(std::u32string& s) {
    for (char32_t& c : s) {
        if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B))
            c = '\'';
        else if (c >= 0x201C && c <= 0x201F)
            c = '"';
    }
}

std::u32string fixLineBreaks(const std::u32string& s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t c = s[i];
        if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
            continue;  // "\r\n" -> "\n": keep the "\n"
        if (c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85)
            c = '\n';
        out.push_back(c);
    }
    return out;
}

// ftfy's ANSI_RE: "\033\[((?:\d|;)*)([a-zA-Z])" (Python's \d: any Unicode decimal digit)
std::u32string removeTerminalEscapes(const std::u32string& s) {
    if (s.find(U'\033') == std::u32string::npos)
        return s;
    std::u32string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == 0x1B && i + 1 < s.size() && s[i + 1] == '[') {
            std::size_t j = i + 2;
            while (j < s.size() && (s[j] == ';' || isDigit(s[j])))
                ++j;
            if (j < s.size() && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) {
                i = j + 1;
                continue;
            }
        }
        out.push_back(s[i]);
        ++i;
    }
    return out;
}

bool isRemovedControl(char32_t c) {
    return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F) ||
           c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

std::u32string fixSegment(std::u32string text, bool unescape) {
    for (;;) {
        const std::u32string orig = text;
        if (unescape)
            text = unescapeHtml(text);
        fixC1Controls(text);
        text = fixLigaturesAndWidth(text);
        uncurlQuotes(text);
        text = fixLineBreaks(text);
        text = removeTerminalEscapes(text);
        text.erase(std::remove_if(text.begin(), text.end(), isRemovedControl), text.end());
        text = nfc(text);
        if (text == orig)
            return text;
    }
}

// ---- NFC
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
                   kSCount = kLCount * kNCount;

int combiningClass(char32_t cp) {
    const t::CombiningRun* end = t::kCombining + t::kCombiningSize;
    const t::CombiningRun* it = std::upper_bound(t::kCombining, end, cp,
        [](char32_t c, const t::CombiningRun& r) { return c < r.first; });
    return (it != t::kCombining && cp <= (it - 1)->last) ? (it - 1)->ccc : 0;
}

void decompose(char32_t cp, std::u32string& out) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
        char32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0)
            out.push_back(kTBase + s % kTCount);
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

bool pyIsSpace(char32_t cp) { return inRanges(t::kPySpace, t::kPySpaceSize, cp); }

std::u32string nfc(const std::u32string& text) {
    // quick check: a text of characters that are NFC_Quick_Check=Yes with combining class 0 is NFC
    bool quick = true;
    for (char32_t c : text)
        if (c >= t::kNfcQuickFirst && inRanges(t::kNfcUnsafe, t::kNfcUnsafeSize, c)) {
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

std::u32string fixText(const std::u32string& text) {
    constexpr std::size_t kMaxDecodeLength = 1000000;  // ftfy's max_decode_length
    std::u32string out;
    out.reserve(text.size());
    bool unescape = true;  // unescape_html="auto": off for good from the first segment holding "<"
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t brk = text.find(U'\n', pos);
        brk = brk == std::u32string::npos ? text.size() : brk + 1;
        if (brk - pos > kMaxDecodeLength)
            brk = pos + kMaxDecodeLength;
        std::u32string segment = text.substr(pos, brk - pos);
        if (segment.find(U'<') != std::u32string::npos)
            unescape = false;
        out += fixSegment(std::move(segment), unescape);
        pos = brk;
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
                appendUtf8To(out, t::kLowerMulti[m].utf8);
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

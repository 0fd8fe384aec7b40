#include <algorithm>
#include <cstring>

#include "diffusion/sd/ClipText.h"
#include "diffusion/sd/ClipCharTable.h"
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
using t::inRanges;

void appendUtf8To(std::u32string& out, const char* utf8) { out += decodeUtf8(utf8); }
bool isDigit(char32_t cp) { return inRanges(t::kDigits, t::kDigitsSize, cp); }

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

// Whether any fixer below may change a text holding c (most captions hold none: no work, no copies).
bool mayChange(char32_t c, bool unescape) {
    if (c < 0x80)
        return (c == '&' && unescape) || c == '\r' || c == 0x1B || isRemovedControl(c);
    return c <= 0x9F || (c >= 0x0132 && c <= 0x01F3) || c == 0x02BC || (c >= 0x2018 && c <= 0x201F) ||
           c == 0x2028 || c == 0x2029 || c == 0x3000 || (c >= 0xFB00 && c <= 0xFB06) || (c >= 0xFF01 && c <= 0xFFEF) ||
           isRemovedControl(c) || t::ClipCharTable::has(c, t::ClipCharTable::kIsNfcUnsafe);
}

std::u32string fixSegment(std::u32string text, bool unescape) {
    if (std::none_of(text.begin(), text.end(), [&](char32_t c) { return mayChange(c, unescape); }))
        return text;
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

}  // namespace

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

}  // namespace sem::diffusion::sd::cliptext

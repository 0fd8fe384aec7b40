// The loaders of ClipTokenizer: openai/CLIP's bpe_simple_vocab_16e6.txt.gz and a diffusers folder's
// vocab.json + merges.txt (+ special_tokens_map.json, tokenizer_config.json). Everything is checked
// before it is used: sizes before reading, UTF-8, JSON types, every merge's symbols.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"
#include "diffusion/sd/ClipText.h"
#include "diffusion/sd/ClipTokenizer.h"

namespace sem::diffusion::sd {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxGzBytes = 16ull << 20;        // the real file: 1.36 MB
constexpr std::uint64_t kMaxBpeTextBytes = 64ull << 20;   // decompressed: 3.4 MB
constexpr std::uint64_t kMaxVocabBytes = 64ull << 20;     // vocab.json: 1.7 MB
constexpr std::uint64_t kMaxMergesBytes = 64ull << 20;    // merges.txt: 0.5 MB
constexpr std::uint64_t kMaxConfigBytes = 1ull << 20;
constexpr std::size_t kMaxVocab = 1u << 20;
constexpr std::size_t kMaxMerges = 49152 - 256 - 2;  // the reference reads lines 1..48894 only

[[noreturn]] void fail(const std::string& what) { throw Error("clip tokenizer: " + what + "."); }

std::string shown(const std::string& s) {
    std::string out = "'";
    for (char c : s.substr(0, 40))
        out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    return out + (s.size() > 40 ? "...'" : "'");
}

bool validUtf8(const std::string& s) {
    const std::u32string decoded = cliptext::decodeUtf8(s);
    return cliptext::encodeUtf8(decoded) == s;
}

// openai's bytes_to_unicode(): byte -> the printable character that stands for it, in its order.
std::vector<std::pair<int, std::string>> byteSymbols() {
    std::vector<int> bs;
    for (int b = '!'; b <= '~'; ++b)
        bs.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b)
        bs.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b)
        bs.push_back(b);
    std::vector<std::pair<int, std::string>> out;
    for (int b : bs) {
        std::string s;
        cliptext::appendUtf8(s, static_cast<char32_t>(b));
        out.emplace_back(b, s);
    }
    int n = 0;
    for (int b = 0; b < 256; ++b) {
        if (std::find(bs.begin(), bs.end(), b) != bs.end())
            continue;
        std::string s;
        cliptext::appendUtf8(s, static_cast<char32_t>(256 + n++));
        out.emplace_back(b, s);
    }
    return out;
}

struct MergeLine {
    std::string first, second;
    std::size_t line;  // 1-based line of the file
};

bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// The merges of a merges file's lines 2.. (the first is a "#version" header), at most kMaxMerges.
std::vector<MergeLine> parseMerges(const std::vector<std::string>& lines, const std::string& what) {
    std::vector<MergeLine> merges;
    for (std::size_t i = 1; i < lines.size() && merges.size() < kMaxMerges; ++i) {
        const std::string& l = lines[i];
        std::vector<std::string> parts;
        std::size_t p = 0;
        while (p < l.size() && parts.size() <= 2) {
            while (p < l.size() && isAsciiSpace(l[p]))
                ++p;
            std::size_t q = p;
            while (q < l.size() && !isAsciiSpace(l[q]))
                ++q;
            if (q > p)
                parts.push_back(l.substr(p, q - p));
            p = q;
        }
        if (parts.size() != 2)
            fail(what + " line " + std::to_string(i + 1) + " is not two symbols");
        merges.push_back({parts[0], parts[1], i + 1});
    }
    return merges;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (;;) {
        const std::size_t nl = text.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(start));
            return lines;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
        if (lines.size() > kMaxMerges + 1)  // the rest is never read
            return lines;
    }
}

std::string gunzip(const std::vector<std::uint8_t>& data, const std::string& path) {
    if (data.size() < 18 || data[0] != 0x1F || data[1] != 0x8B)
        fail("'" + path + "' is not a gzip file");
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        fail("cannot start zlib");
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buffer[1 << 16];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef*>(buffer);
        zs.avail_out = sizeof buffer;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            fail("'" + path + "' is " + (rc == Z_BUF_ERROR ? "truncated" : "a corrupt gzip file"));
        }
        out.append(buffer, sizeof buffer - zs.avail_out);
        if (out.size() > kMaxBpeTextBytes) {
            inflateEnd(&zs);
            fail("'" + path + "' decompresses to more than " + std::to_string(kMaxBpeTextBytes) + " bytes");
        }
    }
    inflateEnd(&zs);
    return out;
}

std::string readText(const std::string& path, std::uint64_t maxBytes) {
    const std::vector<std::uint8_t> data = readWholeFile(path, maxBytes, "clip tokenizer");
    return std::string(data.begin(), data.end());
}

// A special token of a tokenizer config: a string, or an object with "content" (HF's AddedToken).
struct TokenSpec {
    std::string content;
    bool added = false;  // an AddedToken (strip flags as given) rather than a plain string
    bool lstrip = false, rstrip = false;
};

void readToken(const json& config, const char* key, const std::string& file, TokenSpec& spec) {
    const auto it = config.find(key);
    if (it == config.end() || it->is_null())
        return;
    if (it->is_string()) {
        spec = {it->get<std::string>(), false, false, false};
    } else if (it->is_object()) {
        const auto content = it->find("content");
        if (content == it->end() || !content->is_string())
            fail(file + ": " + key + " has no string 'content'");
        TokenSpec s{content->get<std::string>(), true, false, false};
        for (const char* flag : {"lstrip", "rstrip"}) {
            const auto f = it->find(flag);
            if (f == it->end())
                continue;
            if (!f->is_boolean())
                fail(file + ": " + key + "." + flag + " is not a boolean");
            (std::strcmp(flag, "lstrip") == 0 ? s.lstrip : s.rstrip) = f->get<bool>();
        }
        spec = s;
    } else {
        fail(file + ": " + key + " is neither a string nor a token object");
    }
    if (spec.content.empty())
        fail(file + ": " + key + " is empty");
}

json parseJson(const std::string& text, const std::string& file) {
    try {
        return json::parse(text);
    } catch (const json::exception&) {
        fail(file + " is not valid JSON");
    }
}

}  // namespace

struct ClipTokenizerBuilder {
    // The defaults of CLIPTokenizer.__init__: bos/eos/unk AddedTokens, pad a plain string.
    TokenSpec bos{"<|startoftext|>", true}, eos{"<|endoftext|>", true}, unk{"<|endoftext|>", true},
        pad{"<|endoftext|>", false};
    int maxLength = ClipTokenizer::kDefaultMaxLength;

    void readConfig(const std::string& text, const std::string& file, bool withLength) {
        if (text.empty())
            return;
        if (text.size() > kMaxConfigBytes)
            fail(file + " is larger than " + std::to_string(kMaxConfigBytes) + " bytes");
        const json config = parseJson(text, file);
        if (!config.is_object())
            fail(file + " is not a JSON object");
        readToken(config, "bos_token", file, bos);
        readToken(config, "eos_token", file, eos);
        readToken(config, "unk_token", file, unk);
        readToken(config, "pad_token", file, pad);
        if (!withLength)
            return;
        const auto it = config.find("model_max_length");
        if (it == config.end() || it->is_null())
            return;
        if (!it->is_number_integer() && !it->is_number_unsigned())
            fail(file + ": model_max_length is not an integer");
        const bool tooLarge = it->is_number_unsigned() && it->get<std::uint64_t>() > 4096;
        if (tooLarge || it->get<std::int64_t>() < 2 || it->get<std::int64_t>() > 4096)
            fail(file + ": model_max_length " + it->dump() + " is out of range (2 to 4096)");
        maxLength = static_cast<int>(it->get<std::int64_t>());
    }

    // Common to both loaders: the byte symbols, merges and special tokens resolved to ids.
    ClipTokenizer build(const std::unordered_map<std::string, int>& vocab, std::size_t vocabSize,
                        const std::vector<MergeLine>& merges, const std::string& vocabFile,
                        const std::string& mergesFile) const {
        ClipTokenizer tok;
        tok.vocabSize_ = static_cast<int>(vocabSize);
        auto id = [&](const std::string& symbol, const std::string& role) {
            const auto it = vocab.find(symbol);
            if (it == vocab.end())
                fail(vocabFile + " lacks " + role + " " + shown(symbol));
            return it->second;
        };
        for (const auto& [b, s] : byteSymbols()) {
            tok.byteId_[b] = id(s, "the byte symbol");
            tok.byteEndId_[b] = id(s + "</w>", "the byte symbol");
        }
        tok.merges_.reserve(merges.size());
        for (std::size_t r = 0; r < merges.size(); ++r) {
            const MergeLine& m = merges[r];
            const std::string where = mergesFile + " line " + std::to_string(m.line);
            const auto a = vocab.find(m.first), b = vocab.find(m.second), c = vocab.find(m.first + m.second);
            if (a == vocab.end() || b == vocab.end() || c == vocab.end())
                fail(where + " merges symbols that are not in " + vocabFile + " (" + shown(m.first + " " + m.second) + ")");
            const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a->second)) << 32) |
                                      static_cast<std::uint32_t>(b->second);
            if (!tok.merges_.emplace(key, ClipTokenizer::Merge{static_cast<std::int32_t>(r), c->second}).second)
                fail(where + " repeats an earlier merge (" + shown(m.first + " " + m.second) + ")");
        }
        const auto st = vocab.find("<|startoftext|>"), et = vocab.find("<|endoftext|>");
        tok.startOfText_ = st == vocab.end() ? -1 : st->second;
        tok.endOfText_ = et == vocab.end() ? -1 : et->second;
        tok.bos_ = id(bos.content, "the start token");
        tok.eos_ = id(eos.content, "the end token");
        tok.unk_ = id(unk.content, "the unknown token");
        tok.pad_ = id(pad.content, "the pad token");
        tok.maxLength_ = maxLength;
        // HF's no-split tokens, each text once; strip flags: those of the last AddedToken with that
        // text, else (only plain strings) both neighbours are stripped (PreTrainedTokenizer.tokenize)
        const TokenSpec* specs[] = {&bos, &eos, &unk, &pad};
        for (const TokenSpec* spec : specs) {
            const bool known = std::any_of(tok.specials_.begin(), tok.specials_.end(),
                [&](const ClipTokenizer::SpecialToken& s) { return s.content == spec->content; });
            if (known)
                continue;
            ClipTokenizer::SpecialToken special{spec->content, id(spec->content, "the special token"), true, true};
            for (const TokenSpec* other : specs)
                if (other->added && other->content == spec->content) {
                    special.lstrip = other->lstrip;
                    special.rstrip = other->rstrip;
                }
            tok.specials_.push_back(special);
        }
        return tok;
    }
};

ClipTokenizer ClipTokenizer::fromBpeGz(const std::string& path) {
    const std::vector<std::uint8_t> data = readWholeFile(path, kMaxGzBytes, "clip tokenizer");
    return fromBpeText(gunzip(data, path));
}

ClipTokenizer ClipTokenizer::fromBpeText(const std::string& text) {
    const std::string file = "bpe vocabulary";
    if (text.size() > kMaxBpeTextBytes)
        fail(file + " is larger than " + std::to_string(kMaxBpeTextBytes) + " bytes");
    std::vector<std::string> lines = splitLines(text);
    if (lines.size() <= kMaxMerges + 1 && lines.size() > 1 && lines.back().empty())
        lines.pop_back();  // the file's final newline
    if (lines.size() < 2)
        fail(file + " has no merges");
    const std::vector<MergeLine> merges = parseMerges(lines, file);
    for (const MergeLine& m : merges)
        if (!validUtf8(m.first + m.second))
            fail(file + " line " + std::to_string(m.line) + " is not UTF-8 text");
    // simple_tokenizer.py's vocabulary: byte symbols, their "</w>" forms, one per merge, two specials
    const auto symbols = byteSymbols();
    std::vector<std::string> list;
    list.reserve(512 + merges.size() + 2);
    for (const auto& s : symbols)
        list.push_back(s.second);
    for (const auto& s : symbols)
        list.push_back(s.second + "</w>");
    for (const MergeLine& m : merges)
        list.push_back(m.first + m.second);
    list.emplace_back("<|startoftext|>");
    list.emplace_back("<|endoftext|>");
    std::unordered_map<std::string, int> vocab;
    vocab.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i)
        if (!vocab.emplace(list[i], static_cast<int>(i)).second) {
            const std::size_t line = i >= 512 && i < 512 + merges.size() ? merges[i - 512].line : 0;
            fail(file + (line ? " line " + std::to_string(line) : std::string()) + " repeats the symbol " +
                 shown(list[i]));
        }
    ClipTokenizerBuilder builder;
    return builder.build(vocab, list.size(), merges, file, file);
}

ClipTokenizer ClipTokenizer::fromFolder(const std::string& dir) {
    namespace fs = std::filesystem;
    const fs::path root(dir);
    auto optional = [&](const char* name) {
        std::error_code ec;
        const fs::path p = root / name;
        return fs::exists(p, ec) ? readText(p.string(), kMaxConfigBytes) : std::string();
    };
    const std::string vocab = readText((root / "vocab.json").string(), kMaxVocabBytes);
    const std::string merges = readText((root / "merges.txt").string(), kMaxMergesBytes);
    return fromVocabMerges(vocab, merges, optional("special_tokens_map.json"), optional("tokenizer_config.json"));
}

ClipTokenizer ClipTokenizer::fromVocabMerges(const std::string& vocabJson, const std::string& mergesTxt,
                                             const std::string& specialTokensMapJson,
                                             const std::string& tokenizerConfigJson) {
    if (vocabJson.size() > kMaxVocabBytes)
        fail("vocab.json is larger than " + std::to_string(kMaxVocabBytes) + " bytes");
    if (mergesTxt.size() > kMaxMergesBytes)
        fail("merges.txt is larger than " + std::to_string(kMaxMergesBytes) + " bytes");
    // from_pretrained: tokenizer_config.json's tokens go to the constructor, special_tokens_map.json's
    // are set afterwards (they win)
    ClipTokenizerBuilder builder;
    builder.readConfig(tokenizerConfigJson, "tokenizer_config.json", true);
    builder.readConfig(specialTokensMapJson, "special_tokens_map.json", false);

    const json doc = parseJson(vocabJson, "vocab.json");
    if (!doc.is_object())
        fail("vocab.json is not a JSON object");
    if (doc.size() < 514 || doc.size() > kMaxVocab)
        fail("vocab.json has " + std::to_string(doc.size()) + " entries (514 to " + std::to_string(kMaxVocab) +
             " expected)");
    const std::size_t size = doc.size();
    std::unordered_map<std::string, int> vocab;
    vocab.reserve(size);
    std::vector<char> seen(size, 0);
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const json& v = it.value();
        if (!v.is_number_integer() && !v.is_number_unsigned())
            fail("vocab.json: the id of " + shown(it.key()) + " is not an integer");
        const bool neg = v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0;
        if (neg || v.get<std::uint64_t>() >= size)
            fail("vocab.json: the id " + v.dump() + " of " + shown(it.key()) + " is out of range (0 to " +
                 std::to_string(size - 1) + ")");
        const auto idx = static_cast<std::size_t>(v.get<std::uint64_t>());
        if (seen[idx])
            fail("vocab.json gives the id " + std::to_string(idx) + " twice");
        seen[idx] = 1;
        if (it.key().empty())
            fail("vocab.json has an empty token");
        vocab.emplace(it.key(), static_cast<int>(idx));
    }
    // merges.txt as transformers reads it: .strip().split("\n")[1:48895]
    if (!validUtf8(mergesTxt))
        fail("merges.txt is not UTF-8 text");
    std::size_t b = 0, e = mergesTxt.size();
    while (b < e && (isAsciiSpace(mergesTxt[b]) || mergesTxt[b] == '\n'))
        ++b;
    while (e > b && (isAsciiSpace(mergesTxt[e - 1]) || mergesTxt[e - 1] == '\n'))
        --e;
    const std::vector<MergeLine> merges = parseMerges(splitLines(mergesTxt.substr(b, e - b)), "merges.txt");
    return builder.build(vocab, size, merges, "vocab.json", "merges.txt");
}

}  // namespace sem::diffusion::sd

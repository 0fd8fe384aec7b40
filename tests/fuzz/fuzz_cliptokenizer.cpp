// libFuzzer target: the CLIP tokenizer (diffusion/sd/ClipTokenizer). The first byte picks what the
// rest is (byte % 3):
//   0  a caption, encoded by the real tokenizer (models/clip/bpe_simple_vocab_16e6.txt.gz): the
//      result must be maxLength ids, <|startoftext|> first, every id in the vocabulary, and agree
//      with tokenize() (truncated) — captions come from .sem files, so they are untrusted too;
//   1  vocab.json \0 merges.txt \0 special_tokens_map.json \0 tokenizer_config.json \0 caption:
//      fromVocabMerges, then encode the caption;
//   2  an openai-format BPE text \0 caption: fromBpeText, then the caption's ids are checked
//      against a plain re-implementation of the reference's bpe() (strings, quadratic), so the
//      heap-based merging must give the same ids for any merge list, not only CLIP's.
// sem::diffusion::Error is the documented way to refuse a file; anything else is a finding.
// Seeds: tests/fuzz/corpus/fuzz_cliptokenizer (written by hand: one per mode).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ClipText.h"
#include "diffusion/sd/ClipTokenizer.h"

using sem::diffusion::sd::ClipTokenizer;
namespace ct = sem::diffusion::sd::cliptext;

namespace {

std::vector<std::string> splitNul(const std::string& s, std::size_t parts) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (out.size() + 1 < parts) {
        const std::size_t z = s.find('\0', start);
        if (z == std::string::npos)
            break;
        out.push_back(s.substr(start, z - start));
        start = z + 1;
    }
    out.push_back(s.substr(start));
    out.resize(parts);
    return out;
}

void checkEncoding(const ClipTokenizer& tok, const std::string& text) {
    const std::vector<int> ids = tok.encode(text);
    const std::vector<int> body = tok.tokenize(text);
    if (ids.size() != static_cast<std::size_t>(tok.maxLength()) || ids.front() != tok.bosId())
        __builtin_trap();
    for (int id : ids)
        if (id < 0 || id >= tok.vocabSize())
            __builtin_trap();
    std::vector<int> want{tok.bosId()};
    want.insert(want.end(), body.begin(),
                body.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(body.size(), ids.size() - 2)));
    want.push_back(tok.eosId());
    want.resize(ids.size(), tok.padId());
    if (want != ids)
        __builtin_trap();
}

// openai's bytes_to_unicode() as UTF-8 strings, indexed by byte; and its vocabulary order
std::vector<std::string> byteSymbols(std::vector<int>& order) {
    std::vector<int> bs;
    for (int b = '!'; b <= '~'; ++b)
        bs.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b)
        bs.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b)
        bs.push_back(b);
    std::vector<std::string> sym(256);
    for (int b : bs)
        ct::appendUtf8(sym[static_cast<std::size_t>(b)], static_cast<char32_t>(b));
    order = bs;
    for (int b = 0, n = 0; b < 256; ++b)
        if (sym[static_cast<std::size_t>(b)].empty()) {
            ct::appendUtf8(sym[static_cast<std::size_t>(b)], static_cast<char32_t>(256 + n++));
            order.push_back(b);
        }
    return sym;
}

// simple_tokenizer.py's bpe() and vocabulary, on strings
std::vector<int> naiveIds(const std::string& bpeText, const std::string& caption) {
    std::vector<int> order;
    const std::vector<std::string> sym = byteSymbols(order);
    std::vector<std::pair<std::string, std::string>> merges;
    std::size_t pos = bpeText.find('\n');
    while (pos != std::string::npos && merges.size() < 48894) {
        const std::size_t nl = bpeText.find('\n', pos + 1);
        std::string line = bpeText.substr(pos + 1, nl == std::string::npos ? std::string::npos : nl - pos - 1);
        pos = nl;
        if (line.empty() && nl == std::string::npos)
            break;
        std::vector<std::string> parts;
        std::string cur;
        for (char c : line + " ") {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
                if (!cur.empty())
                    parts.push_back(cur);
                cur.clear();
            } else {
                cur.push_back(c);
            }
        }
        merges.emplace_back(parts.at(0), parts.at(1));
    }
    std::unordered_map<std::string, int> vocab;
    int next = 0;
    for (int b : order)
        vocab[sym[static_cast<std::size_t>(b)]] = next++;
    for (int b : order)
        vocab[sym[static_cast<std::size_t>(b)] + "</w>"] = next++;
    for (const auto& m : merges)
        vocab[m.first + m.second] = next++;
    vocab["<|startoftext|>"] = next++;
    vocab["<|endoftext|>"] = next++;
    std::map<std::pair<std::string, std::string>, int> ranks;
    for (std::size_t r = 0; r < merges.size(); ++r)
        ranks[merges[r]] = static_cast<int>(r);

    std::vector<int> ids;
    for (const std::u32string& w : ct::preTokenize(ct::clean(ct::decodeUtf8(caption)))) {
        const std::string bytes = ct::encodeUtf8(w);
        if (bytes == "<|startoftext|>" || bytes == "<|endoftext|>") {
            ids.push_back(vocab.at(bytes));
            continue;
        }
        std::vector<std::string> word;
        for (std::size_t i = 0; i < bytes.size(); ++i)
            word.push_back(sym[static_cast<unsigned char>(bytes[i])] + (i + 1 == bytes.size() ? "</w>" : ""));
        while (word.size() > 1) {
            int best = -1;
            std::pair<std::string, std::string> bigram;
            for (std::size_t i = 0; i + 1 < word.size(); ++i) {
                const auto it = ranks.find({word[i], word[i + 1]});
                if (it != ranks.end() && (best < 0 || it->second < best)) {
                    best = it->second;
                    bigram = it->first;
                }
            }
            if (best < 0)
                break;
            std::vector<std::string> merged;
            for (std::size_t i = 0; i < word.size();) {
                if (word[i] == bigram.first && i + 1 < word.size() && word[i + 1] == bigram.second) {
                    merged.push_back(bigram.first + bigram.second);
                    i += 2;
                } else {
                    merged.push_back(word[i++]);
                }
            }
            word.swap(merged);
        }
        for (const std::string& s : word)
            ids.push_back(vocab.at(s));
    }
    return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
    case 0: {
        static const ClipTokenizer real =
            ClipTokenizer::fromBpeGz(SEM_SOURCE_DIR "/models/clip/bpe_simple_vocab_16e6.txt.gz");
        checkEncoding(real, rest);
        // NFC is idempotent
        const std::u32string text = ct::decodeUtf8(rest);
        if (ct::nfc(ct::nfc(text)) != ct::nfc(text))
            __builtin_trap();
        return 0;
    }
    case 1: {
        const std::vector<std::string> p = splitNul(rest, 5);
        try {
            const ClipTokenizer tok = ClipTokenizer::fromVocabMerges(p[0], p[1], p[2], p[3]);
            checkEncoding(tok, p[4]);
        } catch (const sem::diffusion::Error&) {
        }
        return 0;
    }
    default: {
        const std::vector<std::string> p = splitNul(rest, 2);
        std::unique_ptr<ClipTokenizer> tok;
        try {
            tok = std::make_unique<ClipTokenizer>(ClipTokenizer::fromBpeText(p[0]));
        } catch (const sem::diffusion::Error&) {
            return 0;
        }
        checkEncoding(*tok, p[1]);
        // the special tokens split the caption into pieces cleaned apart: compare captions without them
        if (p[1].size() <= 512 && p[1].find("<|startoftext|>") == std::string::npos &&
            p[1].find("<|endoftext|>") == std::string::npos && tok->tokenize(p[1]) != naiveIds(p[0], p[1]))
            __builtin_trap();
        return 0;
    }
    }
}

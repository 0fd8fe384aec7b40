#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sem::diffusion::sd {

// The CLIP byte-pair-encoding tokenizer of the Stable Diffusion 1.x/2.x text encoders, tokenizing
// exactly as diffusers' pipelines do (transformers' CLIPTokenizer loaded with from_pretrained, with
// ftfy; the same ids as openai/CLIP's simple_tokenizer.py but where the two differ, see ClipText.cpp).
// Torch-free. Every loader validates its input and throws sem::diffusion::Error("clip tokenizer: ...").
//
//   auto tok = ClipTokenizer::fromBpeGz("models/clip/bpe_simple_vocab_16e6.txt.gz");
//   std::vector<int> ids = tok.encode("a photo of a cat");  // 49406 320 1125 539 320 2368 49407, 49407...
class ClipTokenizer {
public:
    static constexpr int kDefaultMaxLength = 77;

    // openai/CLIP's bpe_simple_vocab_16e6.txt.gz: the vocabulary is built from its first 48894 merges
    // as simple_tokenizer.py builds it (256 byte symbols, their "</w>" forms, one symbol per merge,
    // <|startoftext|>, <|endoftext|>: 49408 ids). Pad token <|endoftext|> (SD 1.x), max length 77.
    static ClipTokenizer fromBpeGz(const std::string& path);
    // The same from the decompressed text of such a file (the fuzzer's entry point).
    static ClipTokenizer fromBpeText(const std::string& text);
    // A diffusers folder's tokenizer/: vocab.json + merges.txt, and when present
    // special_tokens_map.json / tokenizer_config.json (bos/eos/unk/pad tokens, model_max_length).
    static ClipTokenizer fromFolder(const std::string& dir);
    // The same from the files' contents; an empty config string means the file is absent.
    static ClipTokenizer fromVocabMerges(const std::string& vocabJson, const std::string& mergesTxt,
                                         const std::string& specialTokensMapJson = {},
                                         const std::string& tokenizerConfigJson = {});

    ClipTokenizer(ClipTokenizer&&) noexcept;
    ClipTokenizer& operator=(ClipTokenizer&&) noexcept;
    ~ClipTokenizer();

    // <|startoftext|> ids <|endoftext|>: the caption's tokens truncated to maxLength() - 2, then (if
    // padded) padded with padId() to maxLength() — diffusers' padding="max_length", truncation=True.
    // `text` is UTF-8; invalid bytes are replaced by U+FFFD as Python's errors="replace" would.
    std::vector<int> encode(const std::string& text, bool padded = true) const;
    // The caption's token ids alone: no start/end tokens, no truncation, no padding.
    std::vector<int> tokenize(const std::string& text) const;

    int bosId() const { return bos_; }
    int eosId() const { return eos_; }
    int padId() const { return pad_; }
    int unkId() const { return unk_; }
    int vocabSize() const { return vocabSize_; }
    int maxLength() const { return maxLength_; }
    void setMaxLength(int maxLength);  // 2..4096

private:
    struct SpecialToken {
        std::string content;
        int id = 0;
        bool lstrip = false, rstrip = false;
    };
    struct Merge {
        std::int32_t rank, result;
    };
    struct Cache;

    ClipTokenizer();
    void bpe(const std::string& token, std::vector<int>& out) const;
    void tokenizePiece(const std::string& piece, std::vector<int>& out) const;

    int vocabSize_ = 0, bos_ = 0, eos_ = 0, pad_ = 0, unk_ = 0, maxLength_ = kDefaultMaxLength;
    int startOfText_ = -1, endOfText_ = -1;  // the pattern's literal special tokens ("<|...|>")
    std::int32_t byteId_[256] = {}, byteEndId_[256] = {};
    std::unordered_map<std::uint64_t, Merge> merges_;
    std::vector<SpecialToken> specials_;  // split off the caption before cleaning (HF's no-split tokens)
    std::unique_ptr<Cache> cache_;

    friend struct ClipTokenizerBuilder;
};

}  // namespace sem::diffusion::sd

#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sem::diffusion {

// Word-level tokenizer whose vocabulary lives in the model card. Text is lower-cased (ASCII) and
// split into runs of letters/digits; every other byte separates words. Ids 0..2 are reserved:
// PAD (0), UNK (1), BOS (2); vocabulary word i has id i + 3. encode() always starts with BOS, so
// an empty caption is the single token BOS (the "no caption" condition used by guidance).
class Tokenizer {
public:
    static constexpr std::int64_t kPad = 0;
    static constexpr std::int64_t kUnknown = 1;
    static constexpr std::int64_t kBos = 2;
    static constexpr std::int64_t kReserved = 3;

    Tokenizer(const std::vector<std::string>& vocabulary, int maxTokens);

    // At most maxTokens ids (BOS + the first maxTokens-1 words), no padding.
    std::vector<std::int64_t> encode(const std::string& text) const;
    std::int64_t vocabularySize() const { return kReserved + static_cast<std::int64_t>(words_.size()); }
    int maxTokens() const { return maxTokens_; }

    static std::vector<std::string> splitWords(const std::string& text);

private:
    std::unordered_map<std::string, std::int64_t> ids_;
    std::vector<std::string> words_;
    int maxTokens_;
};

}  // namespace sem::diffusion

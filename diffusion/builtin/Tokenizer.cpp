#include "diffusion/builtin/Tokenizer.h"

#include "diffusion/DiffusionError.h"

namespace sem::diffusion {

Tokenizer::Tokenizer(const std::vector<std::string>& vocabulary, int maxTokens)
    : words_(vocabulary), maxTokens_(maxTokens) {
    if (maxTokens < 1)
        throw Error("tokenizer: maxTokens must be at least 1.");
    for (std::size_t i = 0; i < words_.size(); ++i) {
        const auto id = kReserved + static_cast<std::int64_t>(i);
        if (!ids_.emplace(words_[i], id).second)
            throw Error("tokenizer: the vocabulary word '" + words_[i] + "' appears twice.");
    }
}

std::vector<std::string> Tokenizer::splitWords(const std::string& text) {
    std::vector<std::string> words;
    std::string current;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
        if (alnum) {
            current.push_back(static_cast<char>(u >= 'A' && u <= 'Z' ? u - 'A' + 'a' : u));
        } else if (!current.empty()) {
            words.push_back(current);
            current.clear();
        }
    }
    if (!current.empty())
        words.push_back(current);
    return words;
}

std::vector<std::int64_t> Tokenizer::encode(const std::string& text) const {
    std::vector<std::int64_t> ids{kBos};
    for (const auto& word : splitWords(text)) {
        if (static_cast<int>(ids.size()) >= maxTokens_)
            break;
        const auto it = ids_.find(word);
        ids.push_back(it == ids_.end() ? kUnknown : it->second);
    }
    return ids;
}

}  // namespace sem::diffusion

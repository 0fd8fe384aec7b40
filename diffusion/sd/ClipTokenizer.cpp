#include "diffusion/sd/ClipTokenizer.h"

#include <algorithm>
#include <mutex>
#include <queue>
#include <utility>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ClipText.h"

namespace sem::diffusion::sd {

// Tokens already byte-pair encoded. Bounded: a caption stream of ever new words must not grow it
// without end (the reference's cache is unbounded; the ids are the same either way).
struct ClipTokenizer::Cache {
    static constexpr std::size_t kMaxEntries = 1u << 16;
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<int>> map;
};

ClipTokenizer::ClipTokenizer() : cache_(std::make_unique<Cache>()) {}
ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;
ClipTokenizer::~ClipTokenizer() = default;

void ClipTokenizer::setMaxLength(int maxLength) {
    if (maxLength < 2 || maxLength > 4096)
        throw Error("clip tokenizer: a maximum length of " + std::to_string(maxLength) +
                    " tokens is out of range (2 to 4096).");
    maxLength_ = maxLength;
}

// The reference's bpe(): repeatedly take the adjacent pair of lowest merge rank and merge all its
// occurrences left to right, until no adjacent pair has a rank. Done with a heap of (rank, position)
// so that a long word costs n log n, not n^2; all occurrences of one rank are merged in one
// left-to-right pass, as the reference does (a merge never creates a new occurrence of its own pair).
void ClipTokenizer::bpe(const std::string& token, std::vector<int>& out) const {
    const std::size_t n = token.size();
    std::vector<std::int32_t> sym(n), next(n), prev(n);
    std::vector<char> alive(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        const auto b = static_cast<unsigned char>(token[i]);
        sym[i] = i + 1 == n ? byteEndId_[b] : byteId_[b];
        next[i] = i + 1 == n ? -1 : static_cast<std::int32_t>(i + 1);
        prev[i] = static_cast<std::int32_t>(i) - 1;
    }
    using Entry = std::pair<std::int32_t, std::int32_t>;  // rank, position of the pair's left symbol
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    auto rankAt = [&](std::int32_t p, std::int32_t& rank, std::int32_t& result) {
        if (p < 0 || !alive[static_cast<std::size_t>(p)] || next[static_cast<std::size_t>(p)] < 0)
            return false;
        const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(sym[static_cast<std::size_t>(p)])) << 32) |
                                  static_cast<std::uint32_t>(sym[static_cast<std::size_t>(next[static_cast<std::size_t>(p)])]);
        const auto it = merges_.find(key);
        if (it == merges_.end())
            return false;
        rank = it->second.rank;
        result = it->second.result;
        return true;
    };
    auto push = [&](std::int32_t p) {
        std::int32_t rank = 0, result = 0;
        if (rankAt(p, rank, result))
            heap.emplace(rank, p);
    };
    for (std::size_t i = 0; i + 1 < n; ++i)
        push(static_cast<std::int32_t>(i));
    std::vector<std::int32_t> positions;
    while (!heap.empty()) {
        const std::int32_t rank = heap.top().first;
        positions.clear();
        while (!heap.empty() && heap.top().first == rank) {
            positions.push_back(heap.top().second);
            heap.pop();
        }
        std::sort(positions.begin(), positions.end());
        for (std::int32_t p : positions) {
            std::int32_t r = 0, result = 0;
            if (!rankAt(p, r, result) || r != rank)
                continue;  // stale, or already taken by the merge on its left
            const auto up = static_cast<std::size_t>(p);
            const std::int32_t q = next[up];
            sym[up] = result;
            alive[static_cast<std::size_t>(q)] = 0;
            next[up] = next[static_cast<std::size_t>(q)];
            if (next[up] >= 0)
                prev[static_cast<std::size_t>(next[up])] = p;
            push(prev[up]);
            push(p);
        }
    }
    for (std::int32_t p = 0; p >= 0; p = next[static_cast<std::size_t>(p)])
        out.push_back(sym[static_cast<std::size_t>(p)]);
}

// _tokenize of one piece of caption (between special tokens): clean, split, byte-pair encode.
void ClipTokenizer::tokenizePiece(const std::string& piece, std::vector<int>& out) const {
    const std::u32string text = cliptext::clean(cliptext::decodeUtf8(piece));
    for (const std::u32string& word : cliptext::preTokenize(text)) {
        const std::string bytes = cliptext::encodeUtf8(word);
        if (bytes == "<|startoftext|>" || bytes == "<|endoftext|>") {  // the reference's seeded cache
            const int literal = bytes == "<|startoftext|>" ? startOfText_ : endOfText_;
            out.push_back(literal >= 0 ? literal : unk_);
            continue;
        }
        {
            std::lock_guard<std::mutex> lock(cache_->mutex);
            const auto it = cache_->map.find(bytes);
            if (it != cache_->map.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
                continue;
            }
        }
        std::vector<int> ids;
        bpe(bytes, ids);
        out.insert(out.end(), ids.begin(), ids.end());
        std::lock_guard<std::mutex> lock(cache_->mutex);
        if (cache_->map.size() >= Cache::kMaxEntries)
            cache_->map.clear();
        cache_->map.emplace(bytes, std::move(ids));
    }
}

// PreTrainedTokenizer.tokenize: the special tokens' exact text is split off first (a trie, longest
// match at the leftmost position); a special token whose flags say so strips the whitespace of its
// neighbours; every other piece is tokenized on its own.
std::vector<int> ClipTokenizer::tokenize(const std::string& text) const {
    struct Piece {
        std::string text;
        int special;  // index into specials_, or -1
    };
    std::vector<Piece> pieces;
    std::size_t start = 0, i = 0;
    while (i < text.size()) {
        int best = -1;
        std::size_t bestLength = 0;
        for (std::size_t s = 0; s < specials_.size(); ++s) {
            const std::string& c = specials_[s].content;
            if (c.size() > bestLength && text.compare(i, c.size(), c) == 0) {
                best = static_cast<int>(s);
                bestLength = c.size();
            }
        }
        if (best < 0) {
            ++i;
            continue;
        }
        if (i > start)
            pieces.push_back({text.substr(start, i - start), -1});
        pieces.push_back({specials_[static_cast<std::size_t>(best)].content, best});
        i += bestLength;
        start = i;
    }
    if (start < text.size())
        pieces.push_back({text.substr(start), -1});

    auto lstripPy = [](const std::string& s) {
        const std::u32string u = cliptext::decodeUtf8(s);
        std::size_t b = 0;
        while (b < u.size() && cliptext::pyIsSpace(u[b]))
            ++b;
        return cliptext::encodeUtf8(u.substr(b));
    };
    auto rstripPy = [](const std::string& s) {
        const std::u32string u = cliptext::decodeUtf8(s);
        std::size_t e = u.size();
        while (e > 0 && cliptext::pyIsSpace(u[e - 1]))
            --e;
        return cliptext::encodeUtf8(u.substr(0, e));
    };
    for (std::size_t k = 0; k < pieces.size(); ++k) {
        if (pieces[k].special < 0)
            continue;
        const SpecialToken& tok = specials_[static_cast<std::size_t>(pieces[k].special)];
        if (tok.rstrip && k + 1 < pieces.size() && !pieces[k + 1].text.empty())
            pieces[k + 1].text = lstripPy(pieces[k + 1].text);
        if (tok.lstrip && k > 0 && !pieces[k - 1].text.empty())
            pieces[k - 1].text = rstripPy(pieces[k - 1].text);
    }
    std::vector<int> ids;
    for (const Piece& p : pieces) {
        if (p.text.empty())
            continue;
        if (p.special >= 0)
            ids.push_back(specials_[static_cast<std::size_t>(p.special)].id);
        else
            tokenizePiece(p.text, ids);
    }
    return ids;
}

std::vector<int> ClipTokenizer::encode(const std::string& text, bool padded) const {
    std::vector<int> body = tokenize(text);
    const auto room = static_cast<std::size_t>(maxLength_ - 2);
    if (body.size() > room)
        body.resize(room);
    std::vector<int> ids;
    ids.reserve(static_cast<std::size_t>(maxLength_));
    ids.push_back(bos_);
    ids.insert(ids.end(), body.begin(), body.end());
    ids.push_back(eos_);
    if (padded)
        ids.resize(static_cast<std::size_t>(maxLength_), pad_);
    return ids;
}

}  // namespace sem::diffusion::sd

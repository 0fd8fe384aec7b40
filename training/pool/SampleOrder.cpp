#include "training/pool/SampleOrder.h"

#include <numeric>
#include <random>
#include <utility>

#include "core/common/Error.h"

namespace sem::training {

SampleOrder::SampleOrder(std::uint64_t poolSize, std::uint64_t seed) : size_(poolSize), seed_(seed)
{
    if (size_ == 0)
        throw Error("sample order: the pool is empty.");
}

void SampleOrder::permute(std::uint64_t epoch)
{
    // Fisher-Yates with an explicit draw (std::shuffle's algorithm differs between libraries).
    permutation_.resize(static_cast<std::size_t>(size_));
    std::iota(permutation_.begin(), permutation_.end(), 0ull);
    std::mt19937_64 rng(seed_ * 0x9E3779B97F4A7C15ull + epoch);
    for (std::uint64_t i = size_ - 1; i > 0; --i)
        std::swap(permutation_[static_cast<std::size_t>(i)], permutation_[static_cast<std::size_t>(rng() % (i + 1))]);
    epoch_ = epoch;
}

std::vector<std::uint64_t> SampleOrder::at(std::uint64_t position, int n)
{
    std::vector<std::uint64_t> out;
    for (int i = 0; i < n; ++i, ++position) {
        if (position / size_ != epoch_)
            permute(position / size_);
        out.push_back(permutation_[static_cast<std::size_t>(position % size_)]);
    }
    return out;
}

}  // namespace sem::training

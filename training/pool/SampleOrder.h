#pragma once
#include <cstdint>
#include <vector>

namespace sem::training {

// The order in which a trainer sees the samples of a pool, the same for every world size: a
// stream of epochs, each a fresh permutation of the pool (seeded by seed and epoch). Step s of a run
// with G samples per step over all ranks takes stream positions [start + s*G, start + (s+1)*G);
// rank r of W takes its contiguous slice of B = G / W of them. So the ranks read disjoint samples,
// and W ranks at batch B see exactly the samples of 1 rank at batch W*B, in the same slots.
class SampleOrder {
public:
    SampleOrder(std::uint64_t poolSize, std::uint64_t seed);
    // Pool indices of the stream positions [position, position + n).
    std::vector<std::uint64_t> at(std::uint64_t position, int n);

private:
    void permute(std::uint64_t epoch);

    std::uint64_t size_, seed_;
    std::uint64_t epoch_ = ~0ull;
    std::vector<std::uint64_t> permutation_;
};

}  // namespace sem::training

#pragma once
#include <cstdint>
#include <vector>

namespace sem::diffusion {

// Deterministic standard-normal numbers: SplitMix64 + Box-Muller, independent of LibTorch's
// generators, so a seed gives the same noise on every machine, device and LibTorch version.
class GaussianNoise {
public:
    explicit GaussianNoise(std::uint64_t seed) : state_(seed) {}
    std::vector<float> next(std::size_t count);

private:
    std::uint64_t nextU64();
    std::uint64_t state_;
};

}  // namespace sem::diffusion

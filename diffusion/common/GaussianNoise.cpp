#include "diffusion/common/GaussianNoise.h"

#include <cmath>

namespace sem::diffusion {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

std::uint64_t GaussianNoise::nextU64() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::vector<float> GaussianNoise::next(std::size_t count) {
    std::vector<float> out(count);
    for (std::size_t i = 0; i < count; i += 2) {
        const std::uint64_t r = nextU64();
        // Two 32-bit uniforms in (0, 1].
        const double u1 = (static_cast<double>(r >> 32) + 1.0) / 4294967296.0;
        const double u2 = static_cast<double>(r & 0xffffffffu) / 4294967296.0;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        out[i] = static_cast<float>(radius * std::cos(2.0 * kPi * u2));
        if (i + 1 < count)
            out[i + 1] = static_cast<float>(radius * std::sin(2.0 * kPi * u2));
    }
    return out;
}

}  // namespace sem::diffusion

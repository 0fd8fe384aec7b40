#include "diffusion/NoiseSchedule.h"

#include <algorithm>
#include <cmath>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

NoiseSchedule::NoiseSchedule(int timesteps) {
    if (timesteps < 2)
        throw Error("noise schedule: at least 2 timesteps are needed.");
    const double s = 0.008;
    auto f = [&](double t) {
        const double c = std::cos((t / timesteps + s) / (1.0 + s) * kPi / 2.0);
        return c * c;
    };
    alphaBar_.resize(static_cast<std::size_t>(timesteps));
    double product = 1.0;
    for (int t = 0; t < timesteps; ++t) {
        const double beta = std::min(1.0 - f(t + 1.0) / f(t), 0.999);
        product *= 1.0 - beta;
        alphaBar_[static_cast<std::size_t>(t)] = product;
    }
}

std::vector<int> NoiseSchedule::samplingTimesteps(int steps, float strength) const {
    const int T = timesteps();
    if (steps < 1 || steps > T)
        throw Error("sampler: steps must be in 1.." + std::to_string(T) + ".");
    if (!(strength > 0.0f && strength <= 1.0f))
        throw Error("sampler: strength must be greater than 0 and at most 1.");
    const int kept = std::clamp(static_cast<int>(std::lround(static_cast<double>(strength) * steps)), 1, steps);
    std::vector<int> ts;
    for (int i = steps - kept; i < steps; ++i)
        ts.push_back(static_cast<int>(std::lround(static_cast<double>(T) * (steps - i) / steps)) - 1);
    return ts;
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

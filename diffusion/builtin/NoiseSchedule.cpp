#include "diffusion/builtin/NoiseSchedule.h"

#include <algorithm>
#include <cmath>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion {

NoiseSchedule::NoiseSchedule(int timesteps) {
    if (timesteps < 2)
        throw Error("noise schedule: at least 2 timesteps are needed.");
    const double s = 0.008;
    constexpr double kPi = 3.14159265358979323846;
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

}  // namespace sem::diffusion

#pragma once
#include <vector>

namespace sem::diffusion {

// Cosine schedule (Nichol & Dhariwal 2021, s = 0.008, betas clipped at 0.999) over T discrete steps.
// alphaBar(t) for t in [0, T); alphaBar(-1) is 1 (the clean image).
class NoiseSchedule {
public:
    explicit NoiseSchedule(int timesteps);
    int timesteps() const { return static_cast<int>(alphaBar_.size()); }
    double alphaBar(int t) const { return t < 0 ? 1.0 : alphaBar_.at(static_cast<std::size_t>(t)); }
    // `steps` strictly decreasing timesteps from T-1 ("trailing" spacing: T-1 ... about T/steps - 1);
    // with strength < 1 only the last round(strength * steps) of them, at least one.
    std::vector<int> samplingTimesteps(int steps, float strength = 1.0f) const;

private:
    std::vector<double> alphaBar_;
};



}  // namespace sem::diffusion

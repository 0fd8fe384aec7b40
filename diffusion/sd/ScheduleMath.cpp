#include "diffusion/sd/ScheduleMath.h"

#include <algorithm>
#include <cmath>

namespace sem::diffusion::sd::math {

namespace {

constexpr double kPi = 3.14159265358979323846;

// diffusers' betas_for_alpha_bar (cosine, max_beta 0.999), in double like Python's math.
torch::Tensor cosineBetas(int n) {
    const auto alphaBar = [](double t) {
        const double c = std::cos((t + 0.008) / 1.008 * kPi / 2);
        return c * c;
    };
    std::vector<float> betas(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double t1 = static_cast<double>(i) / n;
        const double t2 = static_cast<double>(i + 1) / n;
        betas[static_cast<size_t>(i)] = static_cast<float>(std::min(1 - alphaBar(t2) / alphaBar(t1), 0.999));
    }
    return torch::tensor(betas, torch::kFloat32);
}

}  // namespace

torch::Tensor alphasCumprod(const SchedulerConfig& config) {
    const int n = config.numTrainTimesteps;
    torch::Tensor betas;
    switch (config.betaSchedule) {
    case BetaSchedule::Linear:
        betas = torch::linspace(config.betaStart, config.betaEnd, n, torch::kFloat32);
        break;
    case BetaSchedule::ScaledLinear:
        betas = torch::linspace(std::pow(config.betaStart, 0.5), std::pow(config.betaEnd, 0.5), n, torch::kFloat32)
                    .pow(2);
        break;
    case BetaSchedule::SquaredCosCapV2:
        betas = cosineBetas(n);
        break;
    }
    return torch::cumprod(1.0 - betas, 0);
}

std::vector<double> linspace(double start, double stop, int num) {
    std::vector<double> y(static_cast<size_t>(std::max(num, 0)));
    if (num <= 0)
        return y;
    const int div = num - 1;
    const double delta = stop - start;
    if (div > 0) {
        const double step = delta / div;
        for (int i = 0; i < num; ++i)
            y[static_cast<size_t>(i)] = (step == 0 ? static_cast<double>(i) / div * delta : i * step) + start;
        y.back() = stop;
    } else {
        y[0] = 0.0 * delta + start;
    }
    return y;
}

std::vector<double> arangeDown(double start, double step) {
    // numpy: length ceil((stop - start) / step) with step = -step, values start + i * delta where
    // delta = (start + step) - start.
    const double length = std::ceil((0.0 - start) / -step);
    std::vector<double> y;
    if (!(length > 0))
        return y;
    const double delta = (start + -step) - start;
    const auto n = static_cast<size_t>(length);
    y.resize(n);
    for (size_t i = 0; i < n; ++i)
        y[i] = start + static_cast<double>(i) * delta;
    return y;
}

double roundHalfEven(double value) {
    return std::nearbyint(value);  // the default rounding mode rounds halves to even, as numpy
}

double interp(double x, const std::vector<float>& fp) {
    const auto n = static_cast<long>(fp.size());
    if (std::isnan(x))
        return x;
    if (x < 0)
        return fp.front();
    if (x >= static_cast<double>(n - 1))
        return fp.back();
    const auto j = static_cast<long>(std::floor(x));  // xp = 0, 1, ...: xp[j] <= x < xp[j + 1]
    const double xj = static_cast<double>(j);
    const double yj = fp[static_cast<size_t>(j)];
    const double yj1 = fp[static_cast<size_t>(j + 1)];
    if (xj == x)
        return yj;
    const double slope = (yj1 - yj) / ((xj + 1.0) - xj);
    double result = slope * (x - xj) + yj;
    if (std::isnan(result)) {
        result = slope * (x - (xj + 1.0)) + yj1;
        if (std::isnan(result) && yj == yj1)
            result = yj;
    }
    return result;
}

std::vector<float> trainSigmas(const torch::Tensor& alphasCumprod) {
    const torch::Tensor s = ((1 - alphasCumprod) / alphasCumprod).pow(0.5).contiguous();
    return std::vector<float>(s.data_ptr<float>(), s.data_ptr<float>() + s.numel());
}

std::vector<float> logOf(const std::vector<float>& values) {
    std::vector<float> out(values.size());
    for (size_t i = 0; i < values.size(); ++i)
        out[i] = static_cast<float>(std::log(static_cast<double>(values[i])));
    return out;
}

std::vector<double> karras(double sigmaMin, double sigmaMax, int steps) {
    const double rho = 7.0;
    const std::vector<double> ramp = linspace(0, 1, steps);
    const double minInvRho = std::pow(sigmaMin, 1 / rho);
    const double maxInvRho = std::pow(sigmaMax, 1 / rho);
    std::vector<double> sigmas(ramp.size());
    for (size_t i = 0; i < ramp.size(); ++i)
        sigmas[i] = std::pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
    return sigmas;
}

double sigmaToT(double sigma, const std::vector<float>& logSigmas) {
    const double logSigma = std::log(std::max(sigma, 1e-10));
    // numpy computes log_sigma - log_sigmas in float32 (a float64 scalar against a float32 array),
    // and low_idx is the last index whose distance is >= 0 (0 when none), at most len - 2.
    const auto logSigma32 = static_cast<float>(logSigma);
    const auto n = static_cast<long>(logSigmas.size());
    long low = 0;
    for (long i = 0; i < n; ++i)
        if (logSigma32 - logSigmas[static_cast<size_t>(i)] >= 0.0f)
            low = i;
    low = std::min(low, n - 2);
    const long high = low + 1;
    const float lowValue = logSigmas[static_cast<size_t>(low)];
    const float highValue = logSigmas[static_cast<size_t>(high)];
    double w = (static_cast<double>(lowValue) - logSigma) / static_cast<double>(lowValue - highValue);
    w = std::clamp(w, 0.0, 1.0);
    return (1 - w) * static_cast<double>(low) + w * static_cast<double>(high);
}

torch::Tensor scalar(float value) {
    return torch::tensor(value, torch::kFloat32);
}

}  // namespace sem::diffusion::sd::math

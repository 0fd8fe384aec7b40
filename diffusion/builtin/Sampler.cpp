#include "diffusion/builtin/Sampler.h"

#include <algorithm>
#include <cmath>

namespace sem::diffusion {

Denoised fromModelOutput(const torch::Tensor& x, const torch::Tensor& output, double alphaBar, Prediction prediction,
                         const torch::Tensor& base) {
    const double a = std::sqrt(alphaBar);
    const double s = std::sqrt(std::max(1.0 - alphaBar, 1e-12));
    torch::Tensor x0 = prediction == Prediction::V    ? x * a - output * s
                       : prediction == Prediction::X0 ? output
                                                      : (x - output * s) / std::max(a, 1e-12);
    x0 = base.defined() ? torch::minimum(torch::maximum(x0, -1.0 - base), 1.0 - base) : x0.clamp(-1.0, 1.0);
    return {x0, (x - x0 * a) / s};
}

torch::Tensor runSampler(const NoiseSchedule& schedule, SamplerKind kind, const std::vector<int>& ts, float eta,
                         torch::Tensor xStart, const Denoiser& denoise, const NoiseSource& noise,
                         const StepHook& hook) {
    const int steps = static_cast<int>(ts.size());
    torch::Tensor x = std::move(xStart);
    torch::Tensor x0;
    torch::Tensor previousX0;  // DPM-Solver++(2M) history
    double previousH = 0;
    for (int i = 0; i < steps; ++i) {
        const int t = ts[static_cast<std::size_t>(i)];
        const int tNext = i + 1 < steps ? ts[static_cast<std::size_t>(i + 1)] : -1;  // -1: clean
        const double ab = schedule.alphaBar(t);
        const double abNext = schedule.alphaBar(tNext);
        const Denoised d = denoise(x, t);
        x0 = d.x0;
        if (tNext < 0) {
            x = x0;  // every sampler ends on its x0 prediction (first order at the last step)
        } else if (kind == SamplerKind::Ddpm) {
            // Posterior q(x_next | x_t, x0) of the respaced chain.
            const double alphaStep = ab / abNext;
            const double beta = 1.0 - alphaStep;
            const double meanX0 = std::sqrt(abNext) * beta / (1.0 - ab);
            const double meanX = std::sqrt(alphaStep) * (1.0 - abNext) / (1.0 - ab);
            const double variance = beta * (1.0 - abNext) / (1.0 - ab);
            x = x0 * meanX0 + x * meanX + noise(x) * std::sqrt(std::max(variance, 0.0));
        } else if (kind == SamplerKind::Ddim) {
            const double sigma = static_cast<double>(eta) * std::sqrt((1.0 - abNext) / (1.0 - ab)) *
                                 std::sqrt(std::max(1.0 - ab / abNext, 0.0));
            const double direction = std::sqrt(std::max(1.0 - abNext - sigma * sigma, 0.0));
            x = x0 * std::sqrt(abNext) + d.eps * direction;
            if (sigma > 0)
                x = x + noise(x) * sigma;
        } else {
            // DPM-Solver++(2M) in log-SNR time (Lu et al. 2022), data prediction.
            const double alpha = std::sqrt(ab), sigma = std::sqrt(1.0 - ab);
            const double alphaNext = std::sqrt(abNext), sigmaNext = std::sqrt(1.0 - abNext);
            const double h = std::log(alphaNext / sigmaNext) - std::log(alpha / sigma);
            torch::Tensor D = x0;
            if (previousX0.defined()) {
                const double r = previousH / h;
                D = x0 * (1.0 + 1.0 / (2.0 * r)) - previousX0 * (1.0 / (2.0 * r));
            }
            x = x * (sigmaNext / sigma) - D * (alphaNext * std::expm1(-h));
            previousX0 = x0;
            previousH = h;
        }
        if (hook)
            hook(i + 1, steps, x0);
    }
    return x;
}

}  // namespace sem::diffusion

#include "diffusion/sd/DdimScheduler.h"

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ScheduleMath.h"

namespace sem::diffusion::sd {

DdimScheduler::DdimScheduler(const SchedulerConfig& config, double eta)
    : Scheduler(SamplerKind::Ddim, config), eta_(eta) {
    finalAlphaCumprod_ = config_.setAlphaToOne ? math::scalar(1.0f) : alphasCumprod_[0].clone();
}

void DdimScheduler::computeSchedule(int steps) {
    const int n = config_.numTrainTimesteps;
    std::vector<double> ts;  // whole numbers, largest first
    switch (spacing_) {
    case TimestepSpacing::Linspace: {
        const std::vector<double> y = math::linspace(0, n - 1, steps);
        for (auto it = y.rbegin(); it != y.rend(); ++it)
            ts.push_back(math::roundHalfEven(*it));
        break;
    }
    case TimestepSpacing::Leading: {
        const int ratio = n / steps;
        for (int i = steps - 1; i >= 0; --i)
            ts.push_back(static_cast<double>(i * ratio + config_.stepsOffset));
        break;
    }
    case TimestepSpacing::Trailing:
        for (const double v : math::arangeDown(n, static_cast<double>(n) / steps))
            ts.push_back(math::roundHalfEven(v) - 1);
        break;
    }
    intTimesteps_.clear();
    for (const double t : ts) {
        // diffusers would index alphas_cumprod out of range (or wrap around at -1): refuse.
        if (t < 0 || t > n - 1)
            throw Error("ddim: " + timestepSpacingName(spacing_) + " spacing of " + std::to_string(steps) +
                        " steps (steps_offset " + std::to_string(config_.stepsOffset) + ") gives timestep " +
                        std::to_string(static_cast<long long>(t)) + ", outside the model's 0.." +
                        std::to_string(n - 1) + "; choose another number of steps.");
        intTimesteps_.push_back(static_cast<int>(t));
        timesteps_.push_back(static_cast<float>(t));
    }
    initNoiseSigma_ = 1.0f;
}

torch::Tensor DdimScheduler::addNoise(const torch::Tensor& x0, const torch::Tensor& noise, int stepIndex) const {
    checkStep(stepIndex, "addNoise");
    checkLike(noise, x0, "noise");
    const torch::Tensor alphas = alphasCumprod_.to(x0.device(), x0.scalar_type());
    const torch::Tensor alphaProd = alphas[intTimesteps_[static_cast<size_t>(stepIndex)]];
    return alphaProd.pow(0.5) * x0 + (1 - alphaProd).pow(0.5) * noise;
}

StepResult DdimScheduler::step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                               const NoiseFn& noise) {
    checkStep(stepIndex, "step");
    checkLike(modelOutput, sample, "model output");
    const int t = intTimesteps_[static_cast<size_t>(stepIndex)];
    // diffusers steps back by num_train_timesteps // steps whatever the spacing.
    const int prev = t - config_.numTrainTimesteps / requestedSteps_;
    const torch::Tensor alphaProd = alphasCumprod_[t];
    const torch::Tensor alphaProdPrev = prev >= 0 ? alphasCumprod_[prev] : finalAlphaCumprod_;
    const torch::Tensor betaProd = 1 - alphaProd;

    torch::Tensor predOriginal, predEpsilon;
    if (config_.predictionType == PredictionType::Epsilon) {
        predOriginal = (sample - betaProd.pow(0.5) * modelOutput) / alphaProd.pow(0.5);
        predEpsilon = modelOutput;
    } else {
        predOriginal = alphaProd.pow(0.5) * sample - betaProd.pow(0.5) * modelOutput;
        predEpsilon = alphaProd.pow(0.5) * modelOutput + betaProd.pow(0.5) * sample;
    }
    if (config_.clipSample)
        predOriginal = predOriginal.clamp(-config_.clipSampleRange, config_.clipSampleRange);

    const torch::Tensor betaProdPrev = 1 - alphaProdPrev;
    const torch::Tensor variance = (betaProdPrev / betaProd) * (1 - alphaProd / alphaProdPrev);
    const torch::Tensor stdDev = eta_ * variance.pow(0.5);
    const torch::Tensor direction = (1 - alphaProdPrev - stdDev.pow(2)).pow(0.5) * predEpsilon;
    torch::Tensor prevSample = alphaProdPrev.pow(0.5) * predOriginal + direction;
    if (eta_ > 0)
        prevSample = prevSample + stdDev * drawNoise(noise, modelOutput);
    return {prevSample, predOriginal};
}

}  // namespace sem::diffusion::sd

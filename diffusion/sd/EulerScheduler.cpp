#include "diffusion/sd/EulerScheduler.h"

#include <algorithm>
#include <cmath>

#include "diffusion/sd/ScheduleMath.h"

namespace sem::diffusion::sd {

std::vector<float> eulerTimesteps(const SchedulerConfig& config, TimestepSpacing spacing, int steps) {
    const int n = config.numTrainTimesteps;
    std::vector<float> ts;
    switch (spacing) {
    case TimestepSpacing::Linspace: {  // np.linspace(..., dtype=float32): float64 values cast
        const std::vector<double> y = math::linspace(0, n - 1, steps);
        for (auto it = y.rbegin(); it != y.rend(); ++it)
            ts.push_back(static_cast<float>(*it));
        break;
    }
    case TimestepSpacing::Leading: {
        const int ratio = n / steps;
        for (int i = steps - 1; i >= 0; --i)
            ts.push_back(static_cast<float>(i * ratio) + static_cast<float>(config.stepsOffset));
        break;
    }
    case TimestepSpacing::Trailing:
        for (const double v : math::arangeDown(n, static_cast<double>(n) / steps))
            ts.push_back(static_cast<float>(math::roundHalfEven(v)) - 1.0f);
        break;
    }
    return ts;
}

float eulerInitNoiseSigma(const std::vector<float>& sigmas, TimestepSpacing spacing) {
    const float maxSigma = *std::max_element(sigmas.begin(), sigmas.end());
    if (spacing == TimestepSpacing::Linspace || spacing == TimestepSpacing::Trailing)
        return maxSigma;
    return std::sqrt(maxSigma * maxSigma + 1.0f);  // float32 as torch: (max**2 + 1) ** 0.5
}

torch::Tensor eulerScaleInput(const torch::Tensor& sample, float sigma) {
    const torch::Tensor s = math::scalar(sigma);
    return sample / (s.pow(2) + 1).pow(0.5);
}

torch::Tensor eulerAddNoise(const torch::Tensor& x0, const torch::Tensor& noise, float sigma) {
    return x0 + noise * math::scalar(sigma).to(x0.device(), x0.scalar_type());
}

torch::Tensor eulerPredOriginal(const torch::Tensor& modelOutput, const torch::Tensor& sample,
                                const torch::Tensor& sigma, PredictionType prediction) {
    if (prediction == PredictionType::Epsilon)
        return sample - sigma * modelOutput;
    // denoised = model_output * c_out + input * c_skip
    return modelOutput * (-sigma / (sigma.pow(2) + 1).pow(0.5)) + (sample / (sigma.pow(2) + 1));
}

EulerScheduler::EulerScheduler(const SchedulerConfig& config, bool karras)
    : Scheduler(SamplerKind::Euler, config), karras_(karras) {}

void EulerScheduler::computeSchedule(int steps) {
    const std::vector<float> ts = eulerTimesteps(config_, spacing_, steps);
    const std::vector<float> trainSigmas = math::trainSigmas(alphasCumprod_);
    std::vector<double> sigmas;
    for (const float t : ts)
        sigmas.push_back(math::interp(t, trainSigmas));
    std::vector<double> timesteps(ts.begin(), ts.end());
    if (karras_) {
        // Karras between the interpolated sigmas' ends (so at the schedule's own first and last
        // timesteps, not the training schedule's), then the timesteps of those sigmas.
        sigmas = math::karras(sigmas.back(), sigmas.front(), steps);
        const std::vector<float> logSigmas = math::logOf(trainSigmas);
        timesteps.clear();
        for (const double s : sigmas)
            timesteps.push_back(math::sigmaToT(s, logSigmas));
    }
    for (const double t : timesteps)
        timesteps_.push_back(static_cast<float>(t));
    for (const double s : sigmas)
        sigmas_.push_back(static_cast<float>(s));
    sigmas_.push_back(0.0f);
    initNoiseSigma_ = eulerInitNoiseSigma(sigmas_, spacing_);
}

torch::Tensor EulerScheduler::addNoise(const torch::Tensor& x0, const torch::Tensor& noise, int stepIndex) const {
    checkStep(stepIndex, "addNoise");
    checkLike(noise, x0, "noise");
    return eulerAddNoise(x0, noise, sigmas_[static_cast<size_t>(stepIndex)]);
}

torch::Tensor EulerScheduler::scaleModelInput(const torch::Tensor& sample, int stepIndex) const {
    checkStep(stepIndex, "scaleModelInput");
    return eulerScaleInput(sample, sigmas_[static_cast<size_t>(stepIndex)]);
}

StepResult EulerScheduler::step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                                const NoiseFn& /*noise: none without churn*/) {
    checkStep(stepIndex, "step");
    checkLike(modelOutput, sample, "model output");
    const torch::Tensor x = sample.to(torch::kFloat32);  // diffusers upcasts the sample
    const torch::Tensor sigma = math::scalar(sigmas_[static_cast<size_t>(stepIndex)]);
    const torch::Tensor sigmaHat = sigma * 1.0;  // sigma * (gamma + 1), gamma 0 without churn
    torch::Tensor predOriginal;
    if (config_.predictionType == PredictionType::Epsilon)
        predOriginal = x - sigmaHat * modelOutput;
    else
        predOriginal = eulerPredOriginal(modelOutput, x, sigma, config_.predictionType);
    const torch::Tensor derivative = (x - predOriginal) / sigmaHat;
    const torch::Tensor dt = math::scalar(sigmas_[static_cast<size_t>(stepIndex) + 1]) - sigmaHat;
    const torch::Tensor prevSample = (x + derivative * dt).to(modelOutput.scalar_type());
    return {prevSample, predOriginal};
}

}  // namespace sem::diffusion::sd

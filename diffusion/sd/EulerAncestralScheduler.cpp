#include "diffusion/sd/EulerAncestralScheduler.h"

#include "diffusion/sd/EulerScheduler.h"
#include "diffusion/sd/ScheduleMath.h"

namespace sem::diffusion::sd {

EulerAncestralScheduler::EulerAncestralScheduler(const SchedulerConfig& config)
    : Scheduler(SamplerKind::EulerAncestral, config) {}

void EulerAncestralScheduler::computeSchedule(int steps) {
    timesteps_ = eulerTimesteps(config_, spacing_, steps);
    const std::vector<float> trainSigmas = math::trainSigmas(alphasCumprod_);
    for (const float t : timesteps_)
        sigmas_.push_back(static_cast<float>(math::interp(t, trainSigmas)));
    sigmas_.push_back(0.0f);
    initNoiseSigma_ = eulerInitNoiseSigma(sigmas_, spacing_);
}

torch::Tensor EulerAncestralScheduler::addNoise(const torch::Tensor& x0, const torch::Tensor& noise,
                                                int stepIndex) const {
    checkStep(stepIndex, "addNoise");
    checkLike(noise, x0, "noise");
    return eulerAddNoise(x0, noise, sigmas_[static_cast<size_t>(stepIndex)]);
}

torch::Tensor EulerAncestralScheduler::scaleModelInput(const torch::Tensor& sample, int stepIndex) const {
    checkStep(stepIndex, "scaleModelInput");
    return eulerScaleInput(sample, sigmas_[static_cast<size_t>(stepIndex)]);
}

StepResult EulerAncestralScheduler::step(const torch::Tensor& modelOutput, int stepIndex,
                                         const torch::Tensor& sample, const NoiseFn& noise) {
    checkStep(stepIndex, "step");
    checkLike(modelOutput, sample, "model output");
    const torch::Tensor sigma = math::scalar(sigmas_[static_cast<size_t>(stepIndex)]);
    const torch::Tensor x = sample.to(torch::kFloat32);
    const torch::Tensor predOriginal = eulerPredOriginal(modelOutput, x, sigma, config_.predictionType);
    const torch::Tensor& sigmaFrom = sigma;
    const torch::Tensor sigmaTo = math::scalar(sigmas_[static_cast<size_t>(stepIndex) + 1]);
    const torch::Tensor sigmaUp =
        (sigmaTo.pow(2) * (sigmaFrom.pow(2) - sigmaTo.pow(2)) / sigmaFrom.pow(2)).pow(0.5);
    const torch::Tensor sigmaDown = (sigmaTo.pow(2) - sigmaUp.pow(2)).pow(0.5);
    const torch::Tensor derivative = (x - predOriginal) / sigma;
    const torch::Tensor dt = sigmaDown - sigma;
    torch::Tensor prevSample = x + derivative * dt;
    prevSample = prevSample + drawNoise(noise, modelOutput) * sigmaUp;
    return {prevSample.to(modelOutput.scalar_type()), predOriginal};
}

}  // namespace sem::diffusion::sd

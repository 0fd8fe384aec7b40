#pragma once
// Internal to the SD schedulers (made by makeScheduler): diffusers' EulerDiscreteScheduler (no
// churn: s_churn 0, so it draws no noise) and the sigma schedule it shares with
// EulerAncestralDiscreteScheduler.
#include "diffusion/sd/Scheduler.h"

namespace sem::diffusion::sd {

// The timesteps of Euler's set_timesteps (float32) for the spacing, before any Karras sigmas.
std::vector<float> eulerTimesteps(const SchedulerConfig& config, TimestepSpacing spacing, int steps);
// init_noise_sigma of both Euler schedulers: the largest sigma, or sqrt(max^2 + 1) for "leading".
float eulerInitNoiseSigma(const std::vector<float>& sigmas, TimestepSpacing spacing);
// sample / sqrt(sigma^2 + 1), and x0 + noise * sigma (add_noise), in float32 as diffusers.
torch::Tensor eulerScaleInput(const torch::Tensor& sample, float sigma);
torch::Tensor eulerAddNoise(const torch::Tensor& x0, const torch::Tensor& noise, float sigma);
// pred_original_sample of both Euler schedulers from the float32 sample.
torch::Tensor eulerPredOriginal(const torch::Tensor& modelOutput, const torch::Tensor& sample,
                                const torch::Tensor& sigma, PredictionType prediction);

class EulerScheduler : public Scheduler {
public:
    EulerScheduler(const SchedulerConfig& config, bool karras);

    torch::Tensor addNoise(const torch::Tensor& x0, const torch::Tensor& noise, int stepIndex) const override;
    torch::Tensor scaleModelInput(const torch::Tensor& sample, int stepIndex) const override;
    StepResult step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                    const NoiseFn& noise) override;

private:
    void computeSchedule(int steps) override;

    bool karras_;
};

}  // namespace sem::diffusion::sd

#pragma once
// Internal to the SD schedulers (made by makeScheduler): diffusers' EulerAncestralDiscreteScheduler
// (no Karras sigmas in diffusers v0.25.1). Draws noise at every step.
#include "diffusion/sd/Scheduler.h"

namespace sem::diffusion::sd {

class EulerAncestralScheduler : public Scheduler {
public:
    explicit EulerAncestralScheduler(const SchedulerConfig& config);

    torch::Tensor addNoise(const torch::Tensor& x0, const torch::Tensor& noise, int stepIndex) const override;
    torch::Tensor scaleModelInput(const torch::Tensor& sample, int stepIndex) const override;
    StepResult step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                    const NoiseFn& noise) override;

private:
    void computeSchedule(int steps) override;
};

}  // namespace sem::diffusion::sd

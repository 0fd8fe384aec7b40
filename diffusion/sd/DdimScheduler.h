#pragma once
// Internal to the SD schedulers (made by makeScheduler): diffusers' DDIMScheduler.
#include "diffusion/sd/Scheduler.h"

namespace sem::diffusion::sd {

class DdimScheduler : public Scheduler {
public:
    DdimScheduler(const SchedulerConfig& config, double eta);

    torch::Tensor addNoise(const torch::Tensor& x0, const torch::Tensor& noise, int stepIndex) const override;
    StepResult step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                    const NoiseFn& noise) override;

private:
    void computeSchedule(int steps) override;

    double eta_;
    torch::Tensor finalAlphaCumprod_;  // 0-d float32: 1, or alphas_cumprod[0] (set_alpha_to_one false)
    std::vector<int> intTimesteps_;
};

}  // namespace sem::diffusion::sd

#pragma once
// Internal to the SD schedulers (made by makeScheduler): diffusers' DPMSolverMultistepScheduler as
// "DPM++ 2M": algorithm_type dpmsolver++, solver_order 2, solver_type midpoint, lower_order_final
// (the last step first-order below 15 steps), no thresholding, lambda_min_clipped -inf.
#include "diffusion/sd/Scheduler.h"

namespace sem::diffusion::sd {

class DpmSolverMultistepScheduler : public Scheduler {
public:
    DpmSolverMultistepScheduler(const SchedulerConfig& config, bool karras);

    torch::Tensor addNoise(const torch::Tensor& x0, const torch::Tensor& noise, int stepIndex) const override;
    StepResult step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                    const NoiseFn& noise) override;

private:
    void computeSchedule(int steps) override;
    torch::Tensor sigmaAt(int index) const;

    bool karras_;
    torch::Tensor previousX0_;  // the data prediction of the last step (model_outputs[-2] of the next)
    int lowerOrderNums_ = 0;
    int lastStep_ = -1;
};

}  // namespace sem::diffusion::sd

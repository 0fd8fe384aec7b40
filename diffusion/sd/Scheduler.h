#pragma once
// The samplers of the Stable Diffusion 1.x family, computing exactly what diffusers v0.25.1's
// schedulers compute (DDIMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler,
// DPMSolverMultistepScheduler as "DPM++ 2M"), in the same float32 / float64 steps. Internal to the
// family (torch types): never included by code that sees Qt.
//
// The pipeline calls them in diffusers' order:
//   s->setTimesteps(steps);
//   txt2img: first = 0;  latents = noise * s->initNoiseSigma();
//   img2img: first = s->firstStep(strength);  latents = s->addNoise(x0, noise, first);
//   for (i = first; i < s->numSteps(); ++i) {
//       in = s->scaleModelInput(latents, i)   (then cat([in, in]) for guidance)
//       out = guided UNet(in, s->timesteps()[i])
//       r = s->step(out, i, latents, noiseFn);  latents = r.prevSample;  preview r.predOriginalSample
//   }
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "diffusion/sd/SchedulerConfig.h"

namespace sem::diffusion::sd {

enum class SamplerKind { Ddim, Euler, EulerAncestral, DpmPp2M };

// "ddim", "euler", "euler_a", "dpmpp_2m".
std::string samplerName(SamplerKind kind);
// The sampler of that name; false when the name is none of them.
bool samplerFromName(const std::string& name, SamplerKind& kind);

struct SamplerOptions {
    double eta = 0.0;            // DDIM only: 0 = deterministic, 1 = DDPM-like; in [0, 1]
    std::optional<bool> karras;  // Euler and DPM++ 2M: Karras sigmas; unset = the config's use_karras_sigmas
};

struct StepResult {
    torch::Tensor prevSample;          // the sample of the next step
    torch::Tensor predOriginalSample;  // this step's prediction of the clean latents (for previews)
};

// Draws standard normal noise shaped like its argument (same device and dtype). The caller owns the
// random numbers, so that a seed gives the same noise on every machine, independent of torch's RNG.
using NoiseFn = std::function<torch::Tensor(const torch::Tensor& like)>;

class Scheduler {
public:
    virtual ~Scheduler() = default;

    // diffusers' set_timesteps(steps): the whole schedule. Starts a new run (DPM++ 2M forgets its
    // history). Throws Error("scheduler: ...") when steps is not in 1..num_train_timesteps.
    void setTimesteps(int steps);
    // The number of steps of the schedule: the `steps` asked for, except where diffusers' own
    // "trailing" rounding makes one more (e.g. 61 of 1000: numpy's arange overshoots).
    int numSteps() const;
    // The timestep the UNet gets at each step (float32 as diffusers passes it; whole numbers for
    // DDIM and DPM++ 2M).
    const std::vector<float>& timesteps() const;
    // The sigmas of Euler, Euler ancestral and DPM++ 2M, one more than the steps (float32); empty for DDIM.
    const std::vector<float>& sigmas() const;
    // The standard deviation of the initial noise: txt2img latents are noise * initNoiseSigma().
    float initNoiseSigma() const;

    // img2img: the index of the first step run at `strength` in (0, 1], as diffusers'
    // StableDiffusionImg2ImgPipeline.get_timesteps: the last int(steps * strength) steps run.
    // Throws Error("scheduler: ...") for a strength outside (0, 1] or one that leaves no step.
    int firstStep(double strength) const;
    // img2img: x0 noised to the timestep of step `stepIndex` (the scheduler's add_noise).
    virtual torch::Tensor addNoise(const torch::Tensor& x0, const torch::Tensor& noise, int stepIndex) const = 0;
    // The UNet input at step `stepIndex` (Euler: sample / sqrt(sigma^2 + 1); the others: the sample).
    virtual torch::Tensor scaleModelInput(const torch::Tensor& sample, int stepIndex) const;
    // One step from `sample` at step `stepIndex` given the (guided) model output. `noise` is called
    // when the sampler draws noise (DDIM with eta > 0, Euler ancestral), else it may be empty.
    // DPM++ 2M keeps the previous model output: its steps must follow each other (stepIndex one
    // more than the last, or any first step after setTimesteps).
    virtual StepResult step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                            const NoiseFn& noise) = 0;

    const SchedulerConfig& config() const { return config_; }
    SamplerKind kind() const { return kind_; }

protected:
    Scheduler(SamplerKind kind, const SchedulerConfig& config);
    // Fills timesteps_, sigmas_ and initNoiseSigma_ for `steps` (already checked).
    virtual void computeSchedule(int steps) = 0;
    // Throws unless setTimesteps was called and 0 <= stepIndex < numSteps().
    void checkStep(int stepIndex, const char* what) const;
    // Throws unless `tensor` is a floating tensor shaped like `sample`.
    void checkLike(const torch::Tensor& tensor, const torch::Tensor& sample, const char* what) const;
    // One standard normal draw shaped like `sample` from `noise`, checked.
    torch::Tensor drawNoise(const NoiseFn& noise, const torch::Tensor& sample) const;
    // The error prefix: "ddim", "euler", "euler_a", "dpmpp_2m".
    std::string part() const;

    SamplerKind kind_;
    SchedulerConfig config_;
    TimestepSpacing spacing_;
    torch::Tensor alphasCumprod_;  // float32 [num_train_timesteps]
    int requestedSteps_ = 0;
    std::vector<float> timesteps_;
    std::vector<float> sigmas_;
    float initNoiseSigma_ = 1.0f;
};

// The sampler `kind` over `config` (validated) with `options`. Throws Error("scheduler: ...") for an
// option the sampler does not have (eta for another than DDIM, Karras sigmas for DDIM or Euler
// ancestral, which diffusers v0.25.1 does not offer them) or out of range.
std::unique_ptr<Scheduler> makeScheduler(SamplerKind kind, const SchedulerConfig& config,
                                         const SamplerOptions& options = {});

}  // namespace sem::diffusion::sd

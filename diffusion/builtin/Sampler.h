#pragma once
// Internal: the samplers over the cosine schedule, on tensors. Not part of the public API.
#include <functional>

#include <torch/torch.h>

#include "diffusion/DecodeTypes.h"
#include "diffusion/builtin/ModelConfig.h"
#include "diffusion/builtin/NoiseSchedule.h"

namespace sem::diffusion {

struct Denoised {
    torch::Tensor x0;   // clean-image prediction, clipped to [-1, 1]
    torch::Tensor eps;  // the noise consistent with x0 and x_t
};

// Evaluates the (guided) model at timestep index t for the current sample x.
using Denoiser = std::function<Denoised(const torch::Tensor& x, int t)>;
// Called after each step (1-based) with the current x0 prediction; may throw (e.g. Cancelled).
using StepHook = std::function<void(int step, int total, const torch::Tensor& x0)>;
// Draws standard normal noise shaped like the argument (same device and dtype).
using NoiseSource = std::function<torch::Tensor(const torch::Tensor& like)>;

// Runs the sampler over the strictly decreasing timesteps `ts` from x = xStart (at ts.front()) and
// returns the final clean image prediction. One network evaluation per timestep; DDPM and DDIM with
// eta > 0 draw fresh noise every step.
torch::Tensor runSampler(const NoiseSchedule& schedule, SamplerKind kind, const std::vector<int>& ts, float eta,
                         torch::Tensor xStart, const Denoiser& denoise, const NoiseSource& noise,
                         const StepHook& hook);

// The x0 / eps pair from a raw network output (eps, v or x0 prediction) at alphaBar. x0 is clipped
// so that base + x0 lies in [-1, 1]; base is the hint of a hint-residual model, undefined (= zero)
// else. eps is always the noise consistent with the clipped x0 and x.
Denoised fromModelOutput(const torch::Tensor& x, const torch::Tensor& output, double alphaBar, Prediction prediction,
                         const torch::Tensor& base = {});

}  // namespace sem::diffusion

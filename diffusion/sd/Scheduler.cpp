#include "diffusion/sd/Scheduler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/DdimScheduler.h"
#include "diffusion/sd/DpmSolverMultistepScheduler.h"
#include "diffusion/sd/EulerAncestralScheduler.h"
#include "diffusion/sd/EulerScheduler.h"
#include "diffusion/sd/ScheduleMath.h"

namespace sem::diffusion::sd {

namespace {

const SamplerKind kKinds[] = {SamplerKind::Ddim, SamplerKind::Euler, SamplerKind::EulerAncestral,
                              SamplerKind::DpmPp2M};

// A number as one would write it (0.6, 1.5, 1e-05), for messages.
std::string shortText(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

}  // namespace

std::string samplerName(SamplerKind kind) {
    switch (kind) {
    case SamplerKind::Ddim: return "ddim";
    case SamplerKind::Euler: return "euler";
    case SamplerKind::EulerAncestral: return "euler_a";
    case SamplerKind::DpmPp2M: return "dpmpp_2m";
    }
    return "ddim";
}

bool samplerFromName(const std::string& name, SamplerKind& kind) {
    for (const SamplerKind k : kKinds)
        if (name == samplerName(k)) {
            kind = k;
            return true;
        }
    return false;
}

Scheduler::Scheduler(SamplerKind kind, const SchedulerConfig& config)
    : kind_(kind), config_(config) {
    config_.validate();
    // diffusers' classes do not share the default spacing: DDIM leading, the others linspace.
    spacing_ = config_.timestepSpacing.value_or(kind == SamplerKind::Ddim ? TimestepSpacing::Leading
                                                                          : TimestepSpacing::Linspace);
    alphasCumprod_ = math::alphasCumprod(config_);
}

std::string Scheduler::part() const {
    return samplerName(kind_);
}

void Scheduler::setTimesteps(int steps) {
    if (steps < 1 || steps > config_.numTrainTimesteps)
        throw Error("scheduler: " + std::to_string(steps) + " steps is not in 1.." +
                    std::to_string(config_.numTrainTimesteps) + " (the model's num_train_timesteps).");
    timesteps_.clear();
    sigmas_.clear();
    requestedSteps_ = 0;
    try {
        computeSchedule(steps);
    } catch (...) {  // no half-made schedule: the scheduler stays unusable until a good setTimesteps
        timesteps_.clear();
        sigmas_.clear();
        throw;
    }
    requestedSteps_ = steps;
}

int Scheduler::numSteps() const {
    return static_cast<int>(timesteps_.size());
}

const std::vector<float>& Scheduler::timesteps() const {
    return timesteps_;
}

const std::vector<float>& Scheduler::sigmas() const {
    return sigmas_;
}

float Scheduler::initNoiseSigma() const {
    return initNoiseSigma_;
}

int Scheduler::firstStep(double strength) const {
    if (requestedSteps_ == 0)
        throw Error(part() + ": setTimesteps was not called before firstStep.");
    if (!(strength > 0.0 && strength <= 1.0))
        throw Error("scheduler: strength " + shortText(strength) + " is not in (0, 1].");
    // get_timesteps: init_timestep = min(int(steps * strength), steps), t_start = steps - init_timestep.
    const int init = std::min(static_cast<int>(requestedSteps_ * strength), requestedSteps_);
    if (init < 1)
        throw Error("scheduler: strength " + shortText(strength) + " of " + std::to_string(requestedSteps_) +
                    " steps runs no step (int(steps * strength) is 0).");
    return requestedSteps_ - init;
}

torch::Tensor Scheduler::scaleModelInput(const torch::Tensor& sample, int stepIndex) const {
    checkStep(stepIndex, "scaleModelInput");
    return sample;
}

void Scheduler::checkStep(int stepIndex, const char* what) const {
    if (timesteps_.empty())
        throw Error(part() + ": setTimesteps was not called before " + what + ".");
    if (stepIndex < 0 || stepIndex >= numSteps())
        throw Error(part() + ": " + what + " of step " + std::to_string(stepIndex) + ", which is not in 0.." +
                    std::to_string(numSteps() - 1) + ".");
}

void Scheduler::checkLike(const torch::Tensor& tensor, const torch::Tensor& sample, const char* what) const {
    if (!tensor.defined() || !sample.defined())
        throw Error(part() + ": the " + std::string(what) + " or the sample is an undefined tensor.");
    if (!tensor.is_floating_point() || !sample.is_floating_point())
        throw Error(part() + ": the " + std::string(what) + " and the sample must be floating-point tensors.");
    if (tensor.sizes() != sample.sizes())
        throw Error(part() + ": the " + std::string(what) + " is shaped " + c10::str(tensor.sizes()) +
                    ", the sample " + c10::str(sample.sizes()) + ".");
}

torch::Tensor Scheduler::drawNoise(const NoiseFn& noise, const torch::Tensor& sample) const {
    if (!noise)
        throw Error(part() + ": this sampler draws noise but no noise function was given.");
    torch::Tensor drawn = noise(sample);
    checkLike(drawn, sample, "noise");
    return drawn;
}

std::unique_ptr<Scheduler> makeScheduler(SamplerKind kind, const SchedulerConfig& config,
                                         const SamplerOptions& options) {
    if (!std::isfinite(options.eta) || options.eta < 0.0 || options.eta > 1.0)
        throw Error("scheduler: eta " + shortText(options.eta) + " is not in [0, 1].");
    if (options.eta != 0.0 && kind != SamplerKind::Ddim)
        throw Error("scheduler: eta is a DDIM setting; " + samplerName(kind) + " has none.");
    if (options.karras.value_or(false) && (kind == SamplerKind::Ddim || kind == SamplerKind::EulerAncestral))
        throw Error("scheduler: " + samplerName(kind) + " has no Karras sigmas (euler and dpmpp_2m have).");
    const bool karras = options.karras.value_or(config.useKarrasSigmas);
    switch (kind) {
    case SamplerKind::Ddim: return std::make_unique<DdimScheduler>(config, options.eta);
    case SamplerKind::Euler: return std::make_unique<EulerScheduler>(config, karras);
    case SamplerKind::EulerAncestral: return std::make_unique<EulerAncestralScheduler>(config);
    case SamplerKind::DpmPp2M: return std::make_unique<DpmSolverMultistepScheduler>(config, karras);
    }
    throw Error("scheduler: unknown sampler.");
}

}  // namespace sem::diffusion::sd

#pragma once
// The noise schedule of a Stable Diffusion 1.x model, as its diffusers folder's
// scheduler/scheduler_config.json gives it. Torch-free (library semdiffusion_format): a model file is
// untrusted input, parsed and validated here before any tensor is made.
#include <optional>
#include <string>

namespace sem::diffusion::sd {

enum class BetaSchedule { Linear, ScaledLinear, SquaredCosCapV2 };
enum class TimestepSpacing { Leading, Trailing, Linspace };
enum class PredictionType { Epsilon, VPrediction };

// diffusers' spellings: "linear", "scaled_linear", "squaredcos_cap_v2"; "leading", "trailing",
// "linspace"; "epsilon", "v_prediction".
std::string betaScheduleName(BetaSchedule schedule);
std::string timestepSpacingName(TimestepSpacing spacing);
std::string predictionTypeName(PredictionType prediction);

// The parameters of diffusers' scheduler classes that the SD 1.x samplers use. The class a file
// names ("_class_name", e.g. SD 1.5's PNDMScheduler) is not used: its parameters go to the sampler
// the user picks, as diffusers' SchedulerClass.from_config(config) does. A default-constructed
// config is SD 1.5's file (PNDMScheduler, scaled_linear 0.00085-0.012, 1000 steps, steps_offset 1,
// set_alpha_to_one false, clip_sample false).
struct SchedulerConfig {
    std::string className = "PNDMScheduler";  // "_class_name", informational
    int numTrainTimesteps = 1000;
    double betaStart = 0.00085;
    double betaEnd = 0.012;
    BetaSchedule betaSchedule = BetaSchedule::ScaledLinear;
    // Absent from the file: the sampler's own default, which diffusers' classes do not share (DDIM:
    // leading; Euler, Euler ancestral, DPM++: linspace).
    std::optional<TimestepSpacing> timestepSpacing;
    int stepsOffset = 1;                    // added to "leading" timesteps
    PredictionType predictionType = PredictionType::Epsilon;
    bool setAlphaToOne = false;             // DDIM: alpha_prod of the step after the last is 1
    bool clipSample = false;                // DDIM: clamp the x0 prediction to +-clipSampleRange
    double clipSampleRange = 1.0;
    bool useKarrasSigmas = false;           // Euler and DPM++ 2M, unless the sampler options say

    // Throws Error("scheduler config: ...") naming the first value out of range.
    void validate() const;
    // diffusers' keys; fromJson(toJson()) gives this config back.
    std::string toJson() const;

    // Parses and validates a scheduler_config.json. A key the file leaves out takes the value that
    // diffusers' scheduler classes give it (their constructor defaults: 1000 steps, linear
    // 0.0001-0.02, steps_offset 0, epsilon, set_alpha_to_one true, clip_sample true), not SD 1.5's,
    // so that a file means what it means to diffusers. Keys the SD samplers have no use for
    // (skip_prk_steps, solver_order, algorithm_type, ...) are ignored; settings that would change
    // the maths in a way not implemented here are refused: trained_betas, rescale_betas_zero_snr,
    // thresholding, interpolation_type other than "linear", timestep_type other than "discrete",
    // sigma_min / sigma_max, prediction_type "sample". Throws Error("scheduler config: ...").
    static SchedulerConfig fromJson(const std::string& text);
    // Reads and parses a file (at most 1 MiB). Throws Error("scheduler config: ...").
    static SchedulerConfig load(const std::string& path);
};

// What diffusers' StableDiffusionPipeline and StableDiffusionImg2ImgPipeline do to the scheduler's
// config when they are built (an "outdated" file): steps_offset becomes 1, clip_sample false. The
// ControlNet pipelines leave the config as it is.
SchedulerConfig withStableDiffusionPipelineFixes(SchedulerConfig config);

}  // namespace sem::diffusion::sd

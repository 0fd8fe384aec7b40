#pragma once
// The torch half of tst_sd_schedulers (no Qt here, no torch in the header): runs our SD schedulers
// on the cases of tests/diffusion/sd/fixtures/schedulers.{json,safetensors} (made by
// reference/make_scheduler_fixtures.py with diffusers v0.25.1) and reports the differences.
#include <cstdint>
#include <string>
#include <vector>

namespace sem::test {

// A deliberate change to a case, to check that the comparison can fail.
enum class SchedulerPerturbation {
    None,
    BetaEnd,     // beta_end * 1.01
    Noise,       // the recorded noise * 1.1 (cases that draw noise)
    Prediction,  // epsilon <-> v_prediction
    Spacing,     // another timestep_spacing than the case's
};

struct SchedulerCaseResult {
    std::string sampler;          // "ddim", "euler", "euler_a", "dpmpp_2m"
    bool sameCounts = false;      // number of timesteps, sigmas, steps run and noise draws equal the fixture's
    std::string counts;           // ours vs the fixture's, for a failure message
    double timestepError = 0;     // max |ours - reference| in timesteps (absolute)
    double sigmaError = 0;        // relative: max |ours - reference| / max |reference|
    double initNoiseSigmaError = 0;
    double noisedError = 0;       // img2img: the add_noise latents
    double predOriginalError = 0; // the largest relative error of any step's pred_original_sample
    double finalError = 0;        // the last sample
};

// The case names of the fixture, in its order.
std::vector<std::string> schedulerCaseNames();
// Runs one case as diffusers' pipeline calls the scheduler, with the fake model of the fixture
// script and its recorded noise. Throws std::runtime_error with the message of any failure.
SchedulerCaseResult runSchedulerCase(const std::string& name,
                                     SchedulerPerturbation perturbation = SchedulerPerturbation::None);

// The message of the diffusion::Error thrown by an invalid use named `scenario`, or "" when none is
// thrown (see the .cpp for the scenarios).
std::string schedulerErrorMessage(const std::string& scenario);

// latentToRgbPreview of a [1, 4, h, w] tensor made from `values` (channel-major), as width, height, RGB8.
struct PreviewImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
};
PreviewImage latentPreview(const std::vector<float>& values, int height, int width);

}  // namespace sem::test

#pragma once
// Torch side of tst_sd_unetparity and tst_sd_controlnetparity: plain C++ functions (no torch types), so the
// QtTest translation units never include a torch header. `dir` is tests/diffusion/sd/fixtures (made by
// reference/make_unet_fixtures.py).
#include <string>

namespace sem::diffusion::sd::test {

enum class Layout { Diffusers, SingleFile };

// max |ours - reference| / max |reference| of our UNet ("unet_tiny" or "unet_tiny_linear") on the
// fixture sample at timestep "t0" or "t1" (odd: the 15x13 sample, "unet_tiny" at t0 only). `perturb` is
// added to one sample value (a check that can fail).
double unetError(const std::string& dir, const std::string& model, Layout layout, const std::string& t, bool odd,
                 double perturb = 0);

// unetError of "unet_tiny" (diffusers layout, t0) with the attention scores computed for at most
// `scoreBudget` elements at a time (1: one batch entry and head at a time).
double chunkedAttentionError(const std::string& dir, long long scoreBudget);

// The UNet given the reference ControlNet residuals, against the reference UNet + ControlNet output;
// `perturb` is added to every value of the last down residual.
double unetWithResidualsError(const std::string& dir, Layout layout, const std::string& t, double perturb = 0);

// Our ControlNet's residuals against the reference's (the largest relative error over all of them);
// `perturb` is added to the control image's first row.
double controlNetError(const std::string& dir, Layout layout, const std::string& t, double perturb = 0);

// Our ControlNet feeding our UNet, against the reference UNet + ControlNet output; blank: an all-zero
// control image (must come out far from the reference).
double controlledUNetError(const std::string& dir, Layout layout, const std::string& t, bool blank = false);

// Loads the tiny model with one thing wrong and returns the message of the Error thrown ("" when none was
// thrown). unchanged is set to whether the module's parameters kept their values. Scenarios:
// "unet-missing", "unet-extra", "unet-shape", "unet-unknown-original", "controlnet-missing",
// "controlnet-shape", "controlnet-unknown-original", "controlnet-wrong-unet", "residual-count",
// "residual-shape", "control-image-size", "unet-config", "controlnet-config".
std::string badInput(const std::string& dir, const std::string& scenario, bool& unchanged);

}  // namespace sem::diffusion::sd::test

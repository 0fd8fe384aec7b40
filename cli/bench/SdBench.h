#pragma once
#include <ostream>
#include <string>

namespace sem::bench {

// Stable Diffusion 1.5 + ControlNet at full size with random weights (speed does not depend on the
// values): writes an fp16 single-file checkpoint (model.diffusion_model.*, first_stage_model.*,
// cond_stage_model.*) and an fp16 ControlNet v1.1 file from the tensor manifests in `manifestDir`
// (tests/diffusion/sd/fixtures/manifest) into `workDir`, then times loading them through a model set,
// seconds per guided step (ControlNet, guidance 7.5) at 512x512 and 768x512, and the peak RSS.
// Writes markdown; returns 0, or 1 on an error (reported).
int runSdBench(const std::string& manifestDir, const std::string& workDir, const std::string& device, int steps,
               std::ostream& out);

}  // namespace sem::bench

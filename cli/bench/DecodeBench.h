#pragma once
#include <ostream>
#include <string>

namespace sem::bench {

// Decode speed and memory benchmark of the diffusion engine (plain C++, no Qt): seconds per step
// at 256x256, 512x512, 768x512 and 1024x1024 with and without guidance, a full 20-step decode, one
// at strength 0.35 and a fidelity decode at 768x512, and the peak RSS (getrusage ru_maxrss) after each size.
// `modelPath` empty = the default architecture with random weights (speed does not depend on the
// weights). `device`: auto, cpu or cuda. Writes a markdown report to `out`; returns 0, or 1 on error.
int runDecodeBench(const std::string& modelPathOrEmptyForRandomDefault, const std::string& device, std::ostream& out);

}  // namespace sem::bench

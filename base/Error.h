#pragma once
#include <stdexcept>
#include <string>

namespace sem {

// The one exception type of SemCompress. Its message is a complete sentence fit for a user
// ("edge stream: JBIG data truncated"); the CLI prints it and exits 1, the GUI shows it.
// It lives in base/, below both core/ and diffusion/, so that the engine's errors
// (sem::diffusion::Error, diffusion/DiffusionError.h) derive from it without diffusion/ including
// core/: core/ includes diffusion/ (the decoder bridge), never the other way round.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace sem

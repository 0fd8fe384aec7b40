#pragma once
#include <string>
#include <vector>

namespace sem::cli {

// --latents FILE.safetensors: the starting latent noise of a Stable Diffusion decode, to reproduce a
// decode of another implementation (diffusers' pipeline with latents=...).
class LatentsFile {
public:
    // The values of the file's one tensor, shaped [1, 4, h, w] (any float dtype), row-major.
    // Throws Error naming the problem (not safetensors, several tensors, another shape).
    static std::vector<float> read(const std::string& path);
};

}  // namespace sem::cli

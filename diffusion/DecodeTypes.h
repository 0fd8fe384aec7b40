#pragma once
// The plain-C++ types of the decoder engine, shared by every model family (no torch, no Qt here):
// what a decode is given (Conditions, SamplerSettings), what it reports while it runs (Progress,
// previews) and after (DecodeStats).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sem::diffusion {

struct ImageRgb {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  // interleaved RGB8, width*height*3
};

struct Conditions {
    int width = 0, height = 0;  // output size, any size
    // Edge map at its own (reduced) resolution, values 0 or 255 (anything > 127 counts as an edge),
    // mapWidth*mapHeight bytes, taken at 1/scaleDenominator (1, 2, 4 or 8). Empty = no edges.
    int mapWidth = 0, mapHeight = 0, scaleDenominator = 1;
    std::vector<std::uint8_t> edges;
    std::optional<ImageRgb> hint;  // already upsampled to width x height, or none
    std::string caption;           // may be empty
    // Stable Diffusion family: a ControlNet control image used as given (white lines on black, any
    // size: resized to the working size), instead of the one prepared from `edges`.
    std::optional<ImageRgb> controlImage;
};

// Every family refuses the samplers it does not have: the built-in one has DDPM, DDIM and DPM++ 2M;
// Stable Diffusion has DDIM, Euler, Euler ancestral and DPM++ 2M.
enum class SamplerKind { Ddpm, Ddim, DpmPp2M, Euler, EulerAncestral };

// Settings of the Stable Diffusion family (ignored by the built-in one).
struct SdSettings {
    float controlScale = 1.0f;   // ControlNet residual scale
    std::string negativePrompt;  // the unconditional caption of classifier-free guidance
    int workSize = 768;          // the longest side of the working size (multiple of 8 after rounding)
    bool karras = true;          // DPM++ 2M and Euler: Karras sigmas
    bool colourFix = true;       // the output's low frequencies from the colour hint (when there is one)
    // The starting latent noise [1, 4, H/8, W/8] at the working size (row-major), e.g. from
    // --latents FILE.safetensors; empty = drawn from the seed.
    std::vector<float> initialLatents;
};

struct SamplerSettings {
    SamplerKind sampler = SamplerKind::DpmPp2M;
    int steps = 20;
    float eta = 0.0f;        // DDIM only: 0 = deterministic, 1 = DDPM-like noise
    float guidance = 2.0f;   // classifier-free guidance over caption + hint (caption only for a
                             // hint-residual model; plus the edges for a model with edgeGuidance);
                             // 1 = none, 0 = unconditional. Sampled decodes only.
    std::uint64_t seed = 0;
    bool fidelity = false;   // one unguided network evaluation: the x0 prediction from pure noise (max PSNR)
    // Sampled decodes only. 1 = from pure noise. Below 1 the decode takes the first step's x0
    // prediction from pure noise (guided; at guidance 1 that is the fidelity decode), noises it to the
    // first of the last round(strength * steps) (at least one) of the steps' timesteps and runs those
    // steps: it redraws the detail of that prediction rather than the whole image (closer to the
    // fidelity decode than a decode from noise, round(strength * steps) + 1 evaluations).
    float strength = 1.0f;
    // Tiling: 0 = automatic (tile only when the estimated activations exceed the engine's memory
    // budget); > 0 = tile side in pixels (rounded up to the network's downsampling factor).
    int tileSize = 0;
    int tileOverlap = 64;    // pixels shared by neighbouring tiles, blended linearly
    SdSettings sd;
};

struct Progress {
    int step = 0, total = 0;  // step counts from 1 to total
    double elapsedSeconds = 0;
};

// Called after every step with the progress; x0Preview is non-null at the first step, every
// `previewEvery` steps and at the last step (the current prediction of the clean image, at the
// output size); previewEvery <= 0 gives only the last one. The callback runs on the decoding thread and may set the cancel flag.
using PreviewCallback = std::function<void(const Progress&, const ImageRgb* x0Preview)>;

// Loading a model, part by part (Stable Diffusion: tokenizer, text encoder, UNet, VAE, ControlNet;
// the built-in family: its weights), reported before each part is read: `index` counts from 1.
struct LoadProgress {
    std::string part;
    int index = 0, count = 0;
};
using LoadCallback = std::function<void(const LoadProgress&)>;

struct DecodeStats {
    int networkEvaluations = 0;  // U-Net forward calls over the whole image (guidance is batched)
    int tiles = 1;               // tiles per evaluation
    double seconds = 0;
};

}  // namespace sem::diffusion

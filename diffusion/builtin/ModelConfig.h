#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sem::diffusion {

// What the network outputs: the noise, v = sqrt(abar) eps - sqrt(1 - abar) x0, or x0 itself. With x0
// the sampler derives the noise from x_t, so a network that cannot reproduce its input's noise at
// full resolution still samples without leaking it (docs/RESULTS.md, "Fidelity vs sampled").
enum class Prediction { Epsilon, V, X0 };
// "eps", "v" or "x0": the model card's spelling, also that of `semc train --prediction`.
std::string predictionName(Prediction prediction);
// The prediction of that name; false when the name is none of them.
bool predictionFromName(const std::string& name, Prediction& prediction);

// Architecture hyper-parameters of the conditional pixel-space U-Net and its text encoder.
struct ModelConfig {
    // U-Net. The image (3) + edges (1) + hint (3) + hint mask (1) are pixel-unshuffled by
    // `unshuffle`, then processed at len(channels) resolutions (each level halves the size).
    int unshuffle = 4;                           // 1, 2, 4 or 8
    std::vector<int> channels{32, 64, 128, 192}; // per level; each divisible by `groups`
    int resBlocksPerLevel = 1;               // residual blocks per level, encoder and decoder
    int midBlocks = 2;                       // residual blocks at the lowest resolution
    int groups = 8;                          // GroupNorm groups
    int attentionHeads = 4;                  // self- and cross-attention at the lowest resolution
    int timeEmbedding = 256;                 // width of the timestep/condition embedding

    // Text encoder: word-level tokens -> small pre-LN transformer.
    int textWidth = 128;
    int textLayers = 2;
    int textHeads = 4;
    int maxTokens = 64;                      // including the leading BOS token

    Prediction prediction = Prediction::V;   // v is well-conditioned at high noise (fidelity mode)
    int timesteps = 1000;                    // cosine schedule, discrete steps
    // Residual over the hint: the network denoises x0 - hint (the upsampled hint, zero when the file
    // has none) and the decoder adds the hint back, so a network that outputs nothing reproduces the
    // bicubic hint and training only has to learn the detail. Guidance then drops the caption only.
    bool hintResidual = false;
    // Edge guidance: the unconditional pass of classifier-free guidance also drops the edge map (it
    // sees "no edges", as the 5 % of training samples without edges), so guidance > 1 draws what
    // the edges add more strongly: sharper boundaries in sampled decodes. Needs a model trained with
    // edge dropout; semc train sets it for hint-residual models, whose guidance otherwise drops only
    // the caption.
    bool edgeGuidance = false;
    // Caption prior: 0 = none, else a G x G colour layout predicted from the caption's words (a
    // linear bag-of-words model, tensors "prior.*"). A file without a hint is decoded with that
    // layout (the mean layout when it has no caption), bilinearly upsampled, in place of the hint.
    int captionPriorGrid = 0;

    // Total downsampling factor of the network: inputs are padded to a multiple of it.
    int downsampling() const;
    // Throws Error("model card: ...") if a value is out of range.
    void validate() const;
};

// Training provenance, filled by the trainer; the engine only carries it through.
struct TrainingInfo {
    std::string data;
    std::string command;
    std::map<std::string, double> metrics;
    std::string notes;
};

// The JSON file beside the weights: architecture, tokenizer vocabulary, schedule, training info.
struct ModelCard {
    std::string name = "semcompress-decoder";
    ModelConfig config;
    std::vector<std::string> vocabulary;     // word list; ids are reserved tokens + index
    TrainingInfo training;

    std::string toJson() const;
    // Parses and validates; throws Error("model card: ...").
    static ModelCard fromJson(const std::string& text);
    static ModelCard load(const std::string& path);
    void save(const std::string& path) const;
};

// The default architecture (the one the training issue ships): see docs/bench/diffusion.md.
ModelConfig defaultModelConfig();
// A very small architecture for unit tests (fast on 2 CPU cores).
ModelConfig tinyModelConfig();

}  // namespace sem::diffusion

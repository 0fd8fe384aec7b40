#pragma once
#include <string>
#include <vector>

#include "diffusion/builtin/ModelConfig.h"
#include "training/CaptionLayoutSample.h"

namespace sem::training {

// The fitted prior: layout = bias + mean over the caption's known words of words[id] (see
// net::CaptionPriorImpl). Rows of reserved tokens and of words never seen in the fit are zero.
struct CaptionPriorFit {
    int grid = 0;
    std::vector<float> words;   // vocabularySize x 3*G*G, row-major
    std::vector<float> bias;    // 3*G*G
    double lambda = 0;          // the ridge strength picked on the held-out samples
    double heldOutMse = 0;      // per-value MSE of the held-out layouts, fitted on the rest
    double heldOutBiasOnlyMse = 0;  // the same for the mean layout alone (what "no caption" knows)
    int fitSamples = 0, heldOutSamples = 0;  // samples with at least one known word
};

// Ridge regression of the layout on the mean one-hot of the caption's words (the model's
// tokenizer and vocabulary, at most 20,000 words), with an intercept. lambda is picked from `lambdas` by the held-out
// MSE, then the prior is refitted on all samples. Throws Error when the samples are unusable
// (wrong layout size, no caption with a known word, no held-out sample, non-finite values).
CaptionPriorFit fitCaptionPrior(const diffusion::ModelCard& card, int grid, const std::vector<CaptionLayoutSample>& fit,
                                const std::vector<CaptionLayoutSample>& heldOut,
                                const std::vector<double>& lambdas = {1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2});

// Writes the model in `fromDirectory` (model.json + model.safetensors) with the prior added (or
// replaced) to `toDirectory`: the card records captionPrior = G and `info` replaces its training
// info; every other tensor is copied unchanged.
void writeModelWithCaptionPrior(const std::string& fromDirectory, const std::string& toDirectory,
                                const CaptionPriorFit& prior, const diffusion::TrainingInfo& info);

}  // namespace sem::training

#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "training/loop/Trainer.h"
#include "training/loop/TrainingLoop.h"

namespace sem::training {

// The model options `semc train` and `semc-train` share, as parsed from their command lines.
struct TrainSettings {
    std::string arch = "default";  // default, small or tiny (ignored with an init model)
    std::string prediction;        // v, x0 or eps; empty: v, or that of the init model
    std::string init;              // start from this model directory (model.json + model.safetensors)
    bool residual = false;         // hint-residual model
    std::string device = "cpu";
    int cudaIndex = 0;
    double learningRate = 3e-4, emaDecay = 0.999, fidelityFraction = 0.35;
    std::uint64_t seed = 1;
    int threads = 0;
    double edgeDropout = 0.05;     // of the training samples: a residual model then guides its edges
};

struct TrainSetup {
    TrainerOptions options;
    diffusion::TrainingInfo previous;  // the init model's provenance, carried into the export
};

// The trainer options of a run: architecture (or the init model's, with the output layer zeroed or
// negated where the new residual/prediction asks for it) and a vocabulary of the training captions.
TrainSetup makeTrainSetup(const TrainSettings& settings, const std::vector<std::string>& trainingCaptions);

// Words seen at least twice in the captions, most frequent first (ties alphabetical), at most
// `limit`: deterministic for a given data set, so a resumed run rebuilds the same list.
std::vector<std::string> buildVocabulary(const std::vector<std::string>& captions, std::size_t limit);
diffusion::ModelConfig architectureNamed(const std::string& name);
diffusion::Prediction predictionNamed(const std::string& name);
// A model's command history with `command` appended.
std::string withHistory(const std::string& previousCommands, const std::string& command);

// What the model card says about a finished run.
struct RunDescription {
    std::string data;     // "prepared from ..."
    std::string command;  // this run's command line
    int batch = 0, crop = 0;
    bool fromInit = false;
    diffusion::TrainingInfo previous;
};
diffusion::TrainingInfo describeRun(const RunDescription& run, const LoopResult& result);

}  // namespace sem::training

#include "training/loop/TrainSetup.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/common/Error.h"
#include "diffusion/builtin/Tokenizer.h"

namespace sem::training {

namespace fs = std::filesystem;

std::vector<std::string> buildVocabulary(const std::vector<std::string>& captions, std::size_t limit)
{
    std::map<std::string, int> counts;
    for (const std::string& c : captions)
        for (const std::string& w : diffusion::Tokenizer::splitWords(c))
            ++counts[w];
    std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> words;
    for (const auto& [w, n] : sorted)
        if (n >= 2 && words.size() < limit)
            words.push_back(w);
    return words;
}

diffusion::ModelConfig architectureNamed(const std::string& name)
{
    if (name == "default")
        return diffusion::defaultModelConfig();
    if (name == "small") {  // CPU training: the default's layout with narrower levels
        diffusion::ModelConfig c = diffusion::defaultModelConfig();
        c.channels = {32, 48, 96, 128};
        return c;
    }
    if (name == "tiny")
        return diffusion::tinyModelConfig();
    throw Error("unknown --arch '" + name + "' (use default, small or tiny).");
}

diffusion::Prediction predictionNamed(const std::string& name)
{
    diffusion::Prediction p = diffusion::Prediction::V;
    if (!diffusion::predictionFromName(name, p))
        throw Error("unknown --prediction '" + name + "' (use v, x0 or eps).");
    return p;
}

std::string withHistory(const std::string& previousCommands, const std::string& command)
{
    return previousCommands.empty() ? command : previousCommands + "; then " + command;
}

TrainSetup makeTrainSetup(const TrainSettings& s, const std::vector<std::string>& trainingCaptions)
{
    TrainSetup setup;
    TrainerOptions& options = setup.options;
    if (!s.init.empty()) {
        const fs::path init = s.init;
        const diffusion::ModelCard start = diffusion::ModelCard::load((init / "model.json").string());
        options.card.config = start.config;
        options.card.vocabulary = start.vocabulary;
        options.initWeights = init.string();  // the trainer reads its model.safetensors
        setup.previous = start.training;
        // A model that was not trained as a residual starts, as a residual, from the plain hint.
        options.zeroOutputLayer = s.residual && !start.config.hintResidual;
        if (!s.prediction.empty()) {
            const diffusion::Prediction wanted = predictionNamed(s.prediction);
            if (wanted != start.config.prediction) {
                if (!(start.config.prediction == diffusion::Prediction::V && wanted == diffusion::Prediction::X0))
                    throw Error("--prediction: only a v model can be continued as another prediction (as x0)");
                options.negateOutputLayer = true;
                options.card.config.prediction = wanted;
            }
        }
    } else {
        options.card.config = architectureNamed(s.arch);
        options.card.vocabulary = buildVocabulary(trainingCaptions, 5000);
        options.zeroOutputLayer = s.residual;
        if (!s.prediction.empty())
            options.card.config.prediction = predictionNamed(s.prediction);
    }
    options.card.config.hintResidual = s.residual;
    options.device = s.device;
    options.cudaIndex = s.cudaIndex;
    options.learningRate = s.learningRate;
    options.emaDecay = s.emaDecay;
    options.fidelityFraction = s.fidelityFraction;
    options.seed = s.seed;
    options.threads = s.threads;
    // A share of the samples has no edges, so the edges of a hint-residual model can be guided: its
    // unconditional pass drops them (ModelConfig::edgeGuidance).
    options.card.config.edgeGuidance = options.card.config.hintResidual && s.edgeDropout > 0.0;
    return setup;
}

diffusion::TrainingInfo describeRun(const RunDescription& run, const LoopResult& result)
{
    diffusion::TrainingInfo info;
    info.data = run.data;
    info.command = run.command;
    info.metrics = {{"steps", static_cast<double>(result.steps)},
                    {"wall_seconds", result.wallSeconds},
                    {"batch", run.batch},
                    {"crop", run.crop},
                    {"val_fidelity_psnr_db", result.validation.fidelityPsnr},
                    {"val_hint_only_psnr_db", result.validation.hintPsnr}};
    info.notes = "EMA weights. Data: Flickr8k + MS-COCO captioned photos and BSDS500 (research use only). "
                 "Validation: 32 fixed " + std::to_string(run.crop) + "x" + std::to_string(run.crop) +
                 " crops of held-out images, all conditions present, fidelity (one-step) decode.";
    if (run.fromInit) {  // keep the history: the commands so far and the metrics this run does not measure
        info.command = withHistory(run.previous.command, run.command);
        for (const auto& [name, value] : run.previous.metrics)
            info.metrics.emplace(name, value);
        info.notes += " Started from the --init model: 'command' lists the whole history; metrics of this"
                      " run replace the --init model's of the same name, the others are kept.";
    }
    return info;
}

}  // namespace sem::training

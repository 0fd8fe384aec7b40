#include "cli/commands/TrainCommand.h"

#include <QCommandLineParser>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <ostream>

#include "cli/DecodeSupport.h"
#include "cli/Options.h"
#include "cli/Report.h"
#include "cli/train/CaptionPriorTraining.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/training/BatchSource.h"
#include "core/training/ShardReader.h"
#include "core/training/ShardWriter.h"
#include "diffusion/builtin/Tokenizer.h"
#include "diffusion/Trainer.h"

namespace sem::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Words seen at least twice in the training captions, most frequent first (ties alphabetical),
// at most `limit`: deterministic for a given data set, so a resumed run rebuilds the same list.
std::vector<std::string> buildVocabulary(const std::vector<const training::ShardRecord*>& records, std::size_t limit)
{
    std::map<std::string, int> counts;
    for (const auto* r : records)
        for (const std::string& c : r->captions)
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

diffusion::ModelConfig architecture(const std::string& name)
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

std::string joinArgs(const QStringList& args)
{
    std::string s = "semc train";
    for (const QString& a : args)
        s += " " + a.toStdString();
    return s;
}

// A model's command history with this command appended.
std::string withHistory(const std::string& previousCommands, const QStringList& args)
{
    return previousCommands.empty() ? joinArgs(args) : previousCommands + "; then " + joinArgs(args);
}

void appendLog(const fs::path& path, const std::string& line)
{
    const bool fresh = !fs::exists(path);
    std::ofstream f(path, std::ios::app);
    if (fresh)
        f << "step,wall_s,loss,val_fidelity_psnr,val_hint_psnr\n";
    f << line << "\n";
}

// `--caption-prior G`: the prior of the --init model, fitted on the training split (one record in
// ten held out to pick the ridge strength), written with the model's other weights to OUT/model.
int fitCaptionPrior(const QCommandLineParser& parser, const QStringList& args,
                    const std::vector<const training::ShardRecord*>& trainRecords, const training::ShardReader& reader,
                    const fs::path& out, Io& io)
{
    if (!parser.isSet("init"))
        throw Error("--caption-prior needs --init DIR (the model to add the prior to)");
    const int grid = static_cast<int>(Options::toInt(parser, "caption-prior", 1, 16));
    const fs::path init = parser.value("init").toStdString();
    const diffusion::ModelCard card = diffusion::ModelCard::load((init / "model.json").string());
    std::vector<const training::ShardRecord*> fitRecords, heldOutRecords;
    for (std::size_t i = 0; i < trainRecords.size(); ++i)
        (i % 10 == 9 ? heldOutRecords : fitRecords).push_back(trainRecords[i]);
    const auto t0 = Clock::now();
    const diffusion::CaptionPriorFit prior =
        diffusion::fitCaptionPrior(card, grid, CaptionPriorTraining::samples(fitRecords, grid),
                                   CaptionPriorTraining::samples(heldOutRecords, grid));
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    auto psnr = [](double mse) { return 10.0 * std::log10(4.0 / std::max(mse, 1e-12)); };  // range -1..1
    io.out << "caption prior " << grid << "x" << grid << ": " << prior.fitSamples << " + " << prior.heldOutSamples
           << " captions (with mirror images), ridge " << prior.lambda << "; held-out layout PSNR "
           << Report::fixed(psnr(prior.heldOutMse), 2) << " dB vs " << Report::fixed(psnr(prior.heldOutBiasOnlyMse), 2)
           << " dB for the mean layout, " << Report::fixed(seconds, 1) << " s\n";
    diffusion::TrainingInfo info = card.training;
    info.command = withHistory(info.command, args);
    info.metrics["caption_prior_grid"] = grid;
    info.metrics["caption_prior_ridge"] = prior.lambda;
    info.metrics["caption_prior_heldout_layout_psnr_db"] = psnr(prior.heldOutMse);
    info.metrics["caption_prior_heldout_mean_layout_psnr_db"] = psnr(prior.heldOutBiasOnlyMse);
    info.notes += " Caption prior: " + std::to_string(grid) + "x" + std::to_string(grid) +
                  " colour layout from the caption's words (ridge regression, " + std::to_string(prior.fitSamples) +
                  " + " + std::to_string(prior.heldOutSamples) + " caption/layout pairs of the training split of " +
                  reader.sourceDirectory() + ").";
    diffusion::writeModelWithCaptionPrior(init.string(), (out / "model").string(), prior, info);
    io.out << "wrote " << (out / "model").string() << "\n";
    return kOk;
}

}  // namespace

int TrainCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "train --data DIR --out DIR [options]",
                  "Prepares the images under --data once into shards in OUT/data (resized, JPEG, captions,\n"
                  "a fixed 5 % validation split by file-name hash), then trains the decoder: v-prediction,\n"
                  "AdamW, EMA, checkpoints in OUT/checkpoint.pt, and exports the EMA weights to OUT/model.\n"
                  "--resume continues from the checkpoint. Ctrl-C saves a checkpoint and exports.");
    parser.addOption({"data", "Image folder (searched recursively).", "DIR"});
    parser.addOption({"captions", "captions.json: file name -> list of captions.", "FILE"});
    parser.addOption({"out", "Output folder (shards, checkpoint, log, model).", "DIR"});
    parser.addOption({"resume", "Continue from OUT/checkpoint.pt."});
    parser.addOption({"steps", "Total optimisation steps (default 20000).", "N", "20000"});
    parser.addOption({"minutes", "Stop after this many minutes of this run (0 = no limit).", "M", "0"});
    parser.addOption({"batch", "Batch size (default 8).", "B", "8"});
    parser.addOption({"crop", "Crop side in pixels, multiple of 32 (default 128).", "P", "128"});
    parser.addOption({"lr", "Peak learning rate (default 3e-4).", "LR", "0.0003"});
    parser.addOption({"ema", "EMA decay of the exported weights (default 0.999).", "D", "0.999"});
    parser.addOption({"fidelity-fraction", "Share of samples at the last timestep (default 0.35).", "F", "0.35"});
    parser.addOption({"caption-dropout", "Share of samples trained without their caption (default 0.15).", "P", "0.15"});
    parser.addOption({"hint-dropout", "Share of samples trained without a hint (default 0.15).", "P", "0.15"});
    parser.addOption({"edge-scale-weights", "Relative weights of the edge scales 1/1,1/2,1/4,1/8 in training\n"
                                            "(default 0.05,0.3,0.35,0.3).", "W", "0.05,0.3,0.35,0.3"});
    parser.addOption({"hint-weights", "Relative weights of the hint factors 4,8,16,32,64 in training\n"
                                      "(default 0.2,0.3,0.25,0.15,0.1; validation keeps the defaults).", "W",
                      "0.2,0.3,0.25,0.15,0.1"});
    parser.addOption({"hint-quality-mix", "Share of training hints coded at a random quality 1..40 instead of\n"
                                          "their factor's default (default 0).", "P", "0"});
    parser.addOption({"canny-low-max", "Largest random Canny low threshold in training, 40..255 (high = low x\n"
                                       "1.5..3; default 150).", "T", "150"});
    parser.addOption({"arch", "Architecture: default, small or tiny (default: default).", "NAME", "default"});
    parser.addOption({"device", "cpu, cuda or auto (default cpu).", "DEV", "cpu"});
    parser.addOption({"threads", "CPU threads (default: all cores).", "N", "0"});
    parser.addOption({"seed", "Random seed (default 1).", "N", "1"});
    parser.addOption({"checkpoint-minutes", "Minutes between checkpoints (default 5).", "M", "5"});
    parser.addOption({"validate-every", "Steps between validations (default 500).", "N", "500"});
    parser.addOption({"max-side", "Longest side of the prepared images (default 256).", "PX", "256"});
    parser.addOption({"prepare-only", "Only prepare the shards."});
    parser.addOption({"residual", "Hint-residual model: denoise the image minus its upsampled hint."});
    parser.addOption({"prediction", "What the network predicts: v, x0 or eps (default: v, or that of --init;\n"
                                    "from a v model, x0 starts with the output layer negated, which keeps\n"
                                    "its fidelity decode).", "P"});
    parser.addOption({"init", "Start from this model (directory with model.json + model.safetensors); its\n"
                              "architecture and vocabulary are used and --arch is ignored.", "DIR"});
    parser.addOption({"caption-prior", "Only fit the caption prior of the --init model: a GxG colour layout\n"
                                       "predicted from the caption's words, decoded in place of the hint when a\n"
                                       "file has none (ridge regression on the training split); writes OUT/model\n"
                                       "and stops.",
                      "G"});
    if (!Options::parse(parser, "train", args, io))
        return kOk;
    if (!parser.isSet("out"))
        throw Error("missing --out DIR");
    // Checked before any data is read or prepared.
    const std::vector<double> scaleWeights = Options::toDoubles(parser, "edge-scale-weights", 4, 0.0, 1e6);
    const std::vector<double> hintWeights = Options::toDoubles(parser, "hint-weights", 5, 0.0, 1e6);
    auto positiveSum = [](const std::vector<double>& w) { return std::accumulate(w.begin(), w.end(), 0.0) > 0.0; };
    if (!positiveSum(scaleWeights) || !positiveSum(hintWeights))
        throw Error("--edge-scale-weights and --hint-weights need at least one positive weight");
    const double hintQualityMix = Options::toDouble(parser, "hint-quality-mix", 0.0, 1.0);
    const double cannyLowMax = Options::toDouble(parser, "canny-low-max", 40.0, 255.0);
    const fs::path out = parser.value("out").toStdString();
    const fs::path dataDir = out / "data";
    if (!fs::exists(dataDir / "index.json")) {
        if (!parser.isSet("data"))
            throw Error("missing --data DIR (there are no prepared shards in " + dataDir.string() + " yet)");
        training::PrepareOptions prep;
        prep.dataDirectory = parser.value("data").toStdString();
        prep.captionsJson = parser.value("captions").toStdString();
        prep.outDirectory = dataDir.string();
        prep.maxSide = static_cast<int>(Options::toInt(parser, "max-side", 32, 4096));
        const auto t0 = Clock::now();
        const training::PrepareSummary s = training::ShardWriter::prepare(prep);
        io.out << "prepared " << s.trainImages << " training + " << s.validationImages << " validation images ("
               << s.captionedImages << " captioned) in " << s.shards << " shards, "
               << Report::fixed(static_cast<double>(s.bytes) / (1 << 20), 1) << " MiB, "
               << Report::fixed(std::chrono::duration<double>(Clock::now() - t0).count(), 1) << " s\n";
    } else {
        io.out << "using the prepared shards in " << dataDir.string() << "\n";
    }
    if (parser.isSet("prepare-only"))
        return kOk;

    const training::ShardReader reader(dataDir.string());
    const auto trainRecords = reader.split(false);
    const auto validationRecords = reader.split(true);
    if (validationRecords.empty())
        throw Error("the prepared data has no validation images.");

    if (parser.isSet("caption-prior"))
        return fitCaptionPrior(parser, args, trainRecords, reader, out, io);

    diffusion::TrainerOptions options;
    diffusion::TrainingInfo previous;  // the --init model's provenance, carried into the export
    if (parser.isSet("init")) {
        const fs::path init = parser.value("init").toStdString();
        const diffusion::ModelCard start = diffusion::ModelCard::load((init / "model.json").string());
        options.card.config = start.config;
        options.card.vocabulary = start.vocabulary;
        options.initWeights = init.string();  // the trainer reads its model.safetensors
        previous = start.training;
        // A model that was not trained as a residual starts, as a residual, from the plain hint.
        options.zeroOutputLayer = parser.isSet("residual") && !start.config.hintResidual;
        if (parser.isSet("prediction")) {
            const diffusion::Prediction wanted = predictionNamed(parser.value("prediction").toStdString());
            if (wanted != start.config.prediction) {
                if (!(start.config.prediction == diffusion::Prediction::V && wanted == diffusion::Prediction::X0))
                    throw Error("--prediction: only a v model can be continued as another prediction (as x0)");
                options.negateOutputLayer = true;
                options.card.config.prediction = wanted;
            }
        }
    } else {
        options.card.config = architecture(parser.value("arch").toStdString());
        options.card.vocabulary = buildVocabulary(trainRecords, 5000);
        options.zeroOutputLayer = parser.isSet("residual");
        if (parser.isSet("prediction"))
            options.card.config.prediction = predictionNamed(parser.value("prediction").toStdString());
    }
    options.card.config.hintResidual = parser.isSet("residual");
    options.device = parser.value("device").toStdString();
    options.learningRate = Options::toDouble(parser, "lr", 1e-7, 1.0);
    options.emaDecay = Options::toDouble(parser, "ema", 0.0, 0.99999);
    options.fidelityFraction = Options::toDouble(parser, "fidelity-fraction", 0.0, 1.0);
    options.seed = static_cast<std::uint64_t>(Options::toInt(parser, "seed", 0, 1LL << 40));
    options.threads = static_cast<int>(Options::toInt(parser, "threads", 0, 256));
    const long long totalSteps = Options::toInt(parser, "steps", 1, 100000000);
    const double minutes = Options::toDouble(parser, "minutes", 0, 1e6);
    const double checkpointMinutes = Options::toDouble(parser, "checkpoint-minutes", 0.05, 1e6);
    const long long validateEvery = Options::toInt(parser, "validate-every", 1, 100000000);
    training::BatchOptions batchOptions;
    batchOptions.batch = static_cast<int>(Options::toInt(parser, "batch", 1, 1024));
    batchOptions.crop = static_cast<int>(Options::toInt(parser, "crop", 32, 1024));
    batchOptions.captionDropout = Options::toDouble(parser, "caption-dropout", 0.0, 1.0);
    batchOptions.hintDropout = Options::toDouble(parser, "hint-dropout", 0.0, 1.0);
    std::copy(scaleWeights.begin(), scaleWeights.end(), batchOptions.scaleWeights.begin());
    std::copy(hintWeights.begin(), hintWeights.end(), batchOptions.hintWeights.begin());
    batchOptions.hintQualityMix = hintQualityMix;
    batchOptions.cannyLowMax = cannyLowMax;

    // A share of the samples (edgeDropout) has no edges, so the edges of a hint-residual model can be
    // guided: its unconditional pass drops them (ModelConfig::edgeGuidance).
    options.card.config.edgeGuidance = options.card.config.hintResidual && batchOptions.edgeDropout > 0.0;

    diffusion::Trainer trainer(options);
    const fs::path checkpoint = out / "checkpoint.pt";
    const fs::path statePath = out / "train-state.json";
    double previousWall = 0;
    if (parser.isSet("resume") && fs::exists(checkpoint)) {
        trainer.loadCheckpoint(checkpoint.string());
        if (fs::exists(statePath)) {
            const auto bytes = readFile(statePath.string(), 1 << 20);
            const auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
            if (j.is_object())
                previousWall = j.value("wall_seconds", 0.0);
        }
        io.out << "resumed at step " << trainer.steps() << "\n";
    }
    batchOptions.seed = options.seed * 1000003ull + static_cast<std::uint64_t>(trainer.steps());
    training::BatchSource source(trainRecords, batchOptions);

    // Fixed validation crops: all conditions present, random edge scale and hint factor by seed.
    // The default training mix (only the crop size is this run's), so that runs with other mixes
    // stay comparable.
    training::BatchOptions valOptions;
    valOptions.crop = batchOptions.crop;
    valOptions.captionDropout = valOptions.hintDropout = valOptions.edgeDropout = 0.0;
    valOptions.seed = 777;
    valOptions.batch = 8;
    training::BatchSource valSource(validationRecords, valOptions);
    std::vector<diffusion::TrainingBatch> valBatches;
    for (int i = 0; i < 4; ++i)
        valBatches.push_back(valSource.next());

    io.out << "training " << trainer.parameterCount() << " parameters on " << trainer.deviceName() << ", "
           << trainRecords.size() << " training images, vocabulary " << options.card.vocabulary.size()
           << " words, batch " << batchOptions.batch << " x " << batchOptions.crop << "^2\n";

    const auto started = Clock::now();
    auto lastCheckpoint = started, lastPrint = started;
    double lossSum = 0;
    int lossCount = 0;
    const long long firstStep = trainer.steps();
    diffusion::ValidationResult lastVal;
    auto wall = [&]() { return previousWall + std::chrono::duration<double>(Clock::now() - started).count(); };
    auto save = [&]() {
        trainer.saveCheckpoint(checkpoint.string());
        const std::string s = nlohmann::json{{"step", trainer.steps()}, {"wall_seconds", wall()}}.dump();
        writeFileAtomic(statePath.string(), std::vector<std::uint8_t>(s.begin(), s.end()));
        lastCheckpoint = Clock::now();
    };
    auto runValidation = [&]() {
        lastVal = trainer.validate(valBatches, true);
        io.out << "step " << trainer.steps() << ": validation fidelity PSNR " << Report::fixed(lastVal.fidelityPsnr, 2)
               << " dB (hint alone " << Report::fixed(lastVal.hintPsnr, 2) << " dB, " << lastVal.images
               << " crops)\n";
        appendLog(out / "train-log.csv", std::to_string(trainer.steps()) + "," + Report::fixed(wall(), 1) + "," +
                                             Report::fixed(lossCount ? lossSum / lossCount : 0.0, 5) + "," +
                                             Report::fixed(lastVal.fidelityPsnr, 3) + "," +
                                             Report::fixed(lastVal.hintPsnr, 3));
        io.out.flush();
    };

    DecodeSupport::InterruptGuard guard;
    bool interrupted = false;
    while (trainer.steps() < totalSteps) {
        if (guard.flag()->load()) {
            interrupted = true;
            break;
        }
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        if (minutes > 0 && elapsed > minutes * 60.0)
            break;
        lossSum += trainer.step(source.next());
        ++lossCount;
        const auto now = Clock::now();
        if (std::chrono::duration<double>(now - lastPrint).count() >= 30.0) {
            const double rate = static_cast<double>(trainer.steps() - firstStep) / std::max(1e-9, elapsed);
            double remaining = static_cast<double>(totalSteps - trainer.steps()) / std::max(1e-9, rate);
            if (minutes > 0)
                remaining = std::min(remaining, minutes * 60.0 - elapsed);
            io.out << "step " << trainer.steps() << "/" << totalSteps << "  loss " << Report::fixed(lossSum / lossCount, 4)
                   << "  " << Report::fixed(rate, 2) << " steps/s  ETA "
                   << Report::fixed(std::max(0.0, remaining) / 60.0, 1)
                   << " min\n";
            io.out.flush();
            lastPrint = now;
        }
        if (trainer.steps() % validateEvery == 0) {
            runValidation();
            lossSum = 0;
            lossCount = 0;
        }
        if (std::chrono::duration<double>(Clock::now() - lastCheckpoint).count() >= checkpointMinutes * 60.0)
            save();
    }
    runValidation();
    save();
    diffusion::TrainingInfo info;
    info.data = "prepared from " + reader.sourceDirectory() + " (" + std::to_string(trainRecords.size()) +
                " training, " + std::to_string(validationRecords.size()) + " validation images, longest side " +
                std::to_string(reader.maxSide()) + ")";
    info.command = joinArgs(args);
    info.metrics = {{"steps", static_cast<double>(trainer.steps())},
                    {"wall_seconds", wall()},
                    {"batch", batchOptions.batch},
                    {"crop", batchOptions.crop},
                    {"val_fidelity_psnr_db", lastVal.fidelityPsnr},
                    {"val_hint_only_psnr_db", lastVal.hintPsnr}};
    info.notes = "EMA weights. Data: Flickr8k + MS-COCO captioned photos and BSDS500 (research use only). "
                 "Validation: 32 fixed " + std::to_string(batchOptions.crop) + "x" + std::to_string(batchOptions.crop) +
                 " crops of held-out images, all conditions present, fidelity (one-step) decode.";
    if (parser.isSet("init")) {  // keep the history: the commands so far and the metrics this run does not measure
        info.command = withHistory(previous.command, args);
        for (const auto& [name, value] : previous.metrics)
            info.metrics.emplace(name, value);
        info.notes += " Started from the --init model: 'command' lists the whole history; metrics of this"
                      " run replace the --init model's of the same name, the others are kept.";
    }
    trainer.exportModel((out / "model").string(), info, true);
    io.out << "exported the EMA model to " << (out / "model").string() << " after " << trainer.steps() << " steps ("
           << Report::fixed(wall() / 60.0, 1) << " min in total)\n";
    return interrupted ? kInterrupted : kOk;
}

}  // namespace sem::cli

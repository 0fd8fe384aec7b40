#include "cli/commands/TrainCommand.h"

#include <QCommandLineParser>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <ostream>

#include "cli/DecodeSupport.h"
#include "cli/Options.h"
#include "cli/Report.h"
#include "core/common/Error.h"
#include "training/data/BatchSource.h"
#include "training/data/CaptionPriorSamples.h"
#include "training/data/SampleRender.h"
#include "training/data/ShardReader.h"
#include "training/data/ShardWriter.h"
#include "training/loop/CaptionPriorFit.h"
#include "training/loop/Distributed.h"
#include "training/loop/TrainSetup.h"
#include "training/loop/TrainingLoop.h"

// `semc train`: a client of training/ (data preparation in training/data, the loop in
// training/loop): it parses the options, prepares the data and prints what happens.
namespace sem::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string joinArgs(const QStringList& args)
{
    std::string s = "semc train";
    for (const QString& a : args)
        s += " " + a.toStdString();
    return s;
}

void addOptions(QCommandLineParser& parser)
{
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
    parser.addOption({"samples", "Only render N random training samples (this run's --crop and augmentation\n"
                                 "options) and the validation crops into OUT/data/samples, the sample pool\n"
                                 "that the torch-only trainer semc-train trains from.", "N"});
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
}

std::vector<std::string> captionsOf(const std::vector<const training::ShardRecord*>& records)
{
    std::vector<std::string> captions;
    for (const auto* r : records)
        captions.insert(captions.end(), r->captions.begin(), r->captions.end());
    return captions;
}

// The shards in OUT/data, prepared from --data on the first run.
void prepareShards(const QCommandLineParser& parser, const fs::path& dataDir, Io& io)
{
    if (fs::exists(dataDir / "index.json")) {
        io.out << "using the prepared shards in " << dataDir.string() << "\n";
        return;
    }
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
}

// The augmentation options of this run (checked before any data is read or prepared).
training::BatchOptions batchOptions(const QCommandLineParser& parser)
{
    const std::vector<double> scaleWeights = Options::toDoubles(parser, "edge-scale-weights", 4, 0.0, 1e6);
    const std::vector<double> hintWeights = Options::toDoubles(parser, "hint-weights", 5, 0.0, 1e6);
    auto positiveSum = [](const std::vector<double>& w) { return std::accumulate(w.begin(), w.end(), 0.0) > 0.0; };
    if (!positiveSum(scaleWeights) || !positiveSum(hintWeights))
        throw Error("--edge-scale-weights and --hint-weights need at least one positive weight");
    training::BatchOptions o;
    o.hintQualityMix = Options::toDouble(parser, "hint-quality-mix", 0.0, 1.0);
    o.cannyLowMax = Options::toDouble(parser, "canny-low-max", 40.0, 255.0);
    std::copy(scaleWeights.begin(), scaleWeights.end(), o.scaleWeights.begin());
    std::copy(hintWeights.begin(), hintWeights.end(), o.hintWeights.begin());
    return o;
}

// The rest of the batch options, read once the data is prepared (as before the split).
void completeBatchOptions(const QCommandLineParser& parser, training::BatchOptions& o)
{
    o.batch = static_cast<int>(Options::toInt(parser, "batch", 1, 1024));
    o.crop = static_cast<int>(Options::toInt(parser, "crop", 32, 1024));
    o.captionDropout = Options::toDouble(parser, "caption-dropout", 0.0, 1.0);
    o.hintDropout = Options::toDouble(parser, "hint-dropout", 0.0, 1.0);
}

// `--samples N`: the sample pool of the torch-only trainer.
int renderSamples(const QCommandLineParser& parser, const training::ShardReader& reader, training::BatchOptions o,
                  const fs::path& dataDir, Io& io)
{
    completeBatchOptions(parser, o);
    o.seed = static_cast<std::uint64_t>(Options::toInt(parser, "seed", 0, 1LL << 40)) * 1000003ull;
    const auto samples = static_cast<std::uint64_t>(Options::toInt(parser, "samples", 1, 100000000));
    const auto t0 = Clock::now();
    const fs::path pool = dataDir / "samples";
    const training::RenderSummary s = training::SampleRender::render(reader, o, samples, pool.string());
    io.out << "rendered " << s.trainSamples << " training + " << s.validationSamples << " validation samples ("
           << o.crop << "^2) to " << pool.string() << ", " << Report::fixed(static_cast<double>(s.bytes) / (1 << 20), 1)
           << " MiB, " << Report::fixed(std::chrono::duration<double>(Clock::now() - t0).count(), 1) << " s\n";
    return kOk;
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
    const training::CaptionPriorFit prior =
        training::fitCaptionPrior(card, grid, training::CaptionPriorSamples::samples(fitRecords, grid),
                                  training::CaptionPriorSamples::samples(heldOutRecords, grid));
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    auto psnr = [](double mse) { return 10.0 * std::log10(4.0 / std::max(mse, 1e-12)); };  // range -1..1
    io.out << "caption prior " << grid << "x" << grid << ": " << prior.fitSamples << " + " << prior.heldOutSamples
           << " captions (with mirror images), ridge " << prior.lambda << "; held-out layout PSNR "
           << Report::fixed(psnr(prior.heldOutMse), 2) << " dB vs " << Report::fixed(psnr(prior.heldOutBiasOnlyMse), 2)
           << " dB for the mean layout, " << Report::fixed(seconds, 1) << " s\n";
    diffusion::TrainingInfo info = card.training;
    info.command = training::withHistory(info.command, joinArgs(args));
    info.metrics["caption_prior_grid"] = grid;
    info.metrics["caption_prior_ridge"] = prior.lambda;
    info.metrics["caption_prior_heldout_layout_psnr_db"] = psnr(prior.heldOutMse);
    info.metrics["caption_prior_heldout_mean_layout_psnr_db"] = psnr(prior.heldOutBiasOnlyMse);
    info.notes += " Caption prior: " + std::to_string(grid) + "x" + std::to_string(grid) +
                  " colour layout from the caption's words (ridge regression, " + std::to_string(prior.fitSamples) +
                  " + " + std::to_string(prior.heldOutSamples) + " caption/layout pairs of the training split of " +
                  reader.sourceDirectory() + ").";
    training::writeModelWithCaptionPrior(init.string(), (out / "model").string(), prior, info);
    io.out << "wrote " << (out / "model").string() << "\n";
    return kOk;
}

training::TrainSettings trainSettings(const QCommandLineParser& parser, double edgeDropout)
{
    training::TrainSettings s;
    s.arch = parser.value("arch").toStdString();
    if (parser.isSet("prediction"))
        s.prediction = parser.value("prediction").toStdString();
    if (parser.isSet("init"))
        s.init = parser.value("init").toStdString();
    s.residual = parser.isSet("residual");
    s.device = parser.value("device").toStdString();
    s.learningRate = Options::toDouble(parser, "lr", 1e-7, 1.0);
    s.emaDecay = Options::toDouble(parser, "ema", 0.0, 0.99999);
    s.fidelityFraction = Options::toDouble(parser, "fidelity-fraction", 0.0, 1.0);
    s.seed = static_cast<std::uint64_t>(Options::toInt(parser, "seed", 0, 1LL << 40));
    s.threads = static_cast<int>(Options::toInt(parser, "threads", 0, 256));
    s.edgeDropout = edgeDropout;
    return s;
}

// Trains with live augmentation (training/data/BatchSource) in one process.
int train(const QCommandLineParser& parser, const QStringList& args, const training::ShardReader& reader,
          training::BatchOptions batchOptions, const fs::path& out, Io& io)
{
    const auto trainRecords = reader.split(false);
    training::TrainSetup setup;
    {
        const training::TrainSettings settings = trainSettings(parser, batchOptions.edgeDropout);
        setup = training::makeTrainSetup(settings, captionsOf(trainRecords));
    }
    training::LoopOptions loop;
    loop.outDirectory = out.string();
    loop.resume = parser.isSet("resume");
    loop.totalSteps = Options::toInt(parser, "steps", 1, 100000000);
    loop.minutes = Options::toDouble(parser, "minutes", 0, 1e6);
    loop.checkpointMinutes = Options::toDouble(parser, "checkpoint-minutes", 0.05, 1e6);
    loop.validateEvery = Options::toInt(parser, "validate-every", 1, 100000000);
    completeBatchOptions(parser, batchOptions);

    training::Distributed single(training::DistributedEnv{});  // semc train runs in one process
    training::TrainingLoop trainer(setup.options, loop, single, io.out);
    trainer.start();
    batchOptions.seed = setup.options.seed * 1000003ull + static_cast<std::uint64_t>(trainer.trainer().steps());
    training::BatchSource source(trainRecords, batchOptions);
    const std::vector<training::TrainingBatch> validation =
        training::BatchSource::validationBatches(reader.split(true), batchOptions.crop);
    io.out << "training " << trainer.trainer().parameterCount() << " parameters on " << trainer.trainer().deviceName()
           << ", " << trainRecords.size() << " training images, vocabulary " << setup.options.card.vocabulary.size()
           << " words, batch " << batchOptions.batch << " x " << batchOptions.crop << "^2\n";

    training::RunDescription run;
    run.data = training::SampleRender::dataDescription(reader);
    run.command = joinArgs(args);
    run.batch = batchOptions.batch;
    run.crop = batchOptions.crop;
    run.fromInit = parser.isSet("init");
    run.previous = setup.previous;
    DecodeSupport::InterruptGuard guard;
    const training::LoopResult result = trainer.run(
        [&] { return source.next(); }, validation,
        [&](const training::LoopResult& r) { return training::describeRun(run, r); }, guard.flag());
    return result.interrupted ? kInterrupted : kOk;
}

}  // namespace

int TrainCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!Options::parse(parser, "train", args, io))
        return kOk;
    if (!parser.isSet("out"))
        throw Error("missing --out DIR");
    const training::BatchOptions batch = batchOptions(parser);
    const fs::path out = parser.value("out").toStdString();
    const fs::path dataDir = out / "data";
    prepareShards(parser, dataDir, io);
    if (parser.isSet("prepare-only") && !parser.isSet("samples"))
        return kOk;

    const training::ShardReader reader(dataDir.string());
    if (reader.split(true).empty())
        throw Error("the prepared data has no validation images.");
    if (parser.isSet("samples"))
        return renderSamples(parser, reader, batch, dataDir, io);
    if (parser.isSet("caption-prior"))
        return fitCaptionPrior(parser, args, reader.split(false), reader, out, io);
    return train(parser, args, reader, batch, out, io);
}

}  // namespace sem::cli

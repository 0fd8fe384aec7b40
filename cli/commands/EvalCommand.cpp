#include "cli/commands/EvalCommand.h"

#include <QCommandLineParser>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cli/Options.h"
#include "cli/eval/ComparedReport.h"
#include "cli/eval/EvalReport.h"
#include "cli/eval/EvalResults.h"
#include "cli/eval/EvalSweep.h"
#include "cli/eval/LadderWriter.h"
#include "core/baselines/Baselines.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/RateLadder.h"

namespace sem::cli {

namespace {

// --baselines LIST, or every baseline codec available in this build.
std::vector<BaselineCodec> baselineCodecs(const QCommandLineParser& parser)
{
    std::vector<BaselineCodec> codecs;
    if (parser.isSet("baselines")) {
        for (const QString& n : parser.value("baselines").split(',', Qt::SkipEmptyParts)) {
            const auto c = Baselines::parse(n.trimmed().toStdString());
            if (!c)
                throw Error("unknown baseline '" + n.toStdString() + "'.");
            codecs.push_back(*c);
        }
    } else {
        for (BaselineCodec c : Baselines::all())
            if (Baselines::isAvailable(c))
                codecs.push_back(c);
    }
    return codecs;
}

}  // namespace

int EvalCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "eval DIR [options]",
                  "Evaluates the decoder model on the validation split of a prepared data folder (OUT/data\n"
                  "of semc train; the original files are used when still present) or on a folder of images:\n"
                  "the semantic codec at a sweep of operating points (fidelity decodes, guidance 1), a few\n"
                  "sampled decodes, the baselines over the same bpp range (PSNR, SSIM and MS-SSIM curves),\n"
                  "BD-rate/BD-PSNR and ablations. Every decode also gets its NIQE (no-reference, lower is more\n"
                  "natural; about 30 ms a decode), and the originals theirs. A Stable Diffusion 1.x model\n"
                  "(--model, with its own or --controlnet's Canny ControlNet) decodes the sweep and the\n"
                  "ablations with its default sampled decode (seed 0; --steps and --strength when given) and\n"
                  "makes no separate sampled decodes; its default points sweep the edge scale (docs/LADDER.md).");
    parser.addOption({"captions", "captions.json: file name -> captions (the first is used).", "FILE"});
    parser.addOption({"model", "Decoder model: the built-in model's directory (default: the installed default "
                               "model) or a Stable Diffusion 1.x model (diffusers folder, single-file checkpoint "
                               "or model set .json).", "PATH"});
    parser.addOption({"controlnet", "Stable Diffusion: a Canny ControlNet (diffusers folder or single file) that the "
                                    "edge map drives, replacing the model's own.", "PATH"});
    parser.addOption({"control-scale", "Stable Diffusion: ControlNet scale 0..5 of the sweep's decodes (default 1).", "F"});
    parser.addOption({"work-size", "Stable Diffusion: the longest side of the size the model decodes at, 64..2048 "
                                   "(default 768).", "PX"});
    parser.addOption({"device", "auto, cpu or cuda (default auto).", "DEV", "auto"});
    parser.addOption({"limit", "Evaluate at most N images, evenly spaced over the split (0 = all).", "N", "0"});
    parser.addOption({"sampled", "Images that also get sampled decodes, from noise and at --strength, each with the "
                                 "file's guidance and with none, and, with the file's guidance, the rung that each "
                                 "target bpp of 0.01-0.05 picks (the rate-distortion-perception curves; default 3).",
                      "N", "3"});
    parser.addOption({"steps", "Sampler steps of the sampled decodes (default 20; a Stable Diffusion model's "
                               "sweep: default its family's).", "N", "20"});
    parser.addOption({"strength", "Strength of the sampled decodes that start from the first step's prediction "
                                  "(default: the decoder's default, " + QString::number(Decoder::kDefaultStrengthPercent / 100.0) +
                                  "; a Stable Diffusion model's sweep: its family's, " +
                                  QString::number(Decoder::kDefaultSdStrengthPercent / 100.0) + ").",
                      "F", QString::number(Decoder::kDefaultStrengthPercent / 100.0)});
    parser.addOption({"baselines", "Comma-separated baseline codecs (default: all available).", "LIST"});
    parser.addOption({"bootstrap", "Resamples of the images for the 95 % intervals of the rate-target BD-PSNRs "
                                   "(default 1000, 0 = none).", "N", "1000"});
    parser.addOption({"json", "Write the full results as JSON.", "FILE"});
    parser.addOption({"csv", "Write per-image results as CSV.", "FILE"});
    parser.addOption({"plot", "Write the bpp-PSNR plot (PNG).", "FILE"});
    parser.addOption({"plot-ssim", "Write the bpp-SSIM plot (PNG).", "FILE"});
    parser.addOption({"plot-ms-ssim", "Write the bpp-MS-SSIM plot (PNG).", "FILE"});
    parser.addOption({"plot-niqe", "Write the bpp-NIQE plot (PNG; lower is more natural).", "FILE"});
    parser.addOption({"compare", "An earlier semc eval --json report on the same images (another model or family; "
                                 "repeatable): its \"semantic at target bpp\" and sampled curves join the plots "
                                 "(dashed), the text report and the JSON.", "REPORT.json"});
    parser.addOption({"points", "Operating points SCALE:HINT[:HIGH[:MINLEN]], comma-separated: edge scale\n"
                                "1/SCALE (0 = no edges, the model redraws from the hint alone), hint factor\n"
                                "(with qQ: hint quality 1..100, e.g. 8q20),\n"
                                "Canny high threshold (low = HIGH/2; default 100/200), minimum edge fragment\n"
                                "length in pixels (default: sparse 1/8 edges over every hint factor and a\n"
                                "few hint qualities, the settings that cost the fewest bits per dB; see\n"
                                "docs/RESULTS.md); the list order is also the ladder of the \"at target bpp\"\n"
                                "curves: by default the rungs of semc encode --target-bpp (files without\n"
                                "metadata, as with --strip-metadata). A Stable Diffusion model's default:\n"
                                + QString::fromStdString(RateLadder::sdPointList()) + " (docs/LADDER.md).",
                      "LIST", QString::fromStdString(RateLadder::pointList())});
    parser.addOption({"write-ladder", "Write the model's rate ladder measured here (docs/LADDER.md): the points whose "
                                      "mean PSNR rises with bpp, files without caption.", "FILE"});
    if (!Options::parse(parser, "eval", args, io))
        return kOk;
    EvalSettings settings;
    settings.dir = Options::positional(parser, 1, "a prepared data folder or an image folder")[0].toStdString();
    settings.limit = static_cast<int>(Options::toInt(parser, "limit", 0, 1000000));
    settings.sampledImages = static_cast<int>(Options::toInt(parser, "sampled", 0, 1000000));
    settings.steps = static_cast<int>(Options::toInt(parser, "steps", 1, 1000));
    settings.strength = static_cast<float>(Options::toDouble(parser, "strength", 0.01, 1));
    settings.stepsGiven = parser.isSet("steps");
    settings.strengthGiven = parser.isSet("strength");
    const int resamples = static_cast<int>(Options::toInt(parser, "bootstrap", 0, 100000));
    settings.codecs = baselineCodecs(parser);
    settings.captionsPath = parser.value("captions").toStdString();
    settings.model = parser.value("model").toStdString();
    settings.controlnet = parser.value("controlnet").toStdString();
    settings.device = parser.value("device").toStdString();
    // The model's family (from its files, nothing loaded) picks the default points and refuses a
    // ControlNet for the built-in model before any image is read.
    const bool sd = Decoder::modelFamily(settings.model) == DecodeSettings::StableDiffusion1;
    for (const char* option : {"controlnet", "control-scale", "work-size"})
        if (!sd && parser.isSet(option))
            throw Error(std::string("eval: --") + option + " is for a Stable Diffusion model; the model is a built-in one");
    if (parser.isSet("control-scale"))
        settings.controlScale = static_cast<float>(Options::toDouble(parser, "control-scale", 0, 5));
    if (parser.isSet("work-size"))
        settings.workSize = static_cast<int>(Options::toInt(parser, "work-size", 64, 2048));
    settings.points = parser.isSet("points") || !sd ? parser.value("points").toStdString() : RateLadder::sdPointList();

    // The reports to compare with are read before anything is measured, and checked against the
    // images before the sweep starts.
    std::vector<ComparedReport> compared;
    for (const QString& path : parser.values("compare"))
        compared.push_back(ComparedReport::load(path.toStdString()));

    // Measure (every encode, decode and score), then report.
    EvalSweep sweep(settings, io.err);
    for (const ComparedReport& c : compared)
        c.requireImages(sweep.images());
    const EvalResults results = sweep.run();
    EvalReport report(results, resamples);
    report.addCompared(std::move(compared));
    report.writeText(io.out);
    for (const auto& [option, metric] : {std::pair<const char*, PlotMetric>{"plot", PlotMetric::Psnr},
                                         {"plot-ssim", PlotMetric::Ssim},
                                         {"plot-ms-ssim", PlotMetric::MsSsim},
                                         {"plot-niqe", PlotMetric::Niqe}}) {
        if (parser.isSet(option))
            report.writePlot(parser.value(option).toStdString(), metric);
    }
    if (parser.isSet("json")) {
        const std::string text = report.json().dump(1) + "\n";
        writeFileAtomic(parser.value("json").toStdString(), std::vector<std::uint8_t>(text.begin(), text.end()));
    }
    if (parser.isSet("csv")) {
        const std::string text = report.csv();
        writeFileAtomic(parser.value("csv").toStdString(), std::vector<std::uint8_t>(text.begin(), text.end()));
    }
    if (parser.isSet("write-ladder")) {
        const std::vector<BdPoint>* means = report.curve("semantic, no caption");
        if (!means)
            throw Error("eval: there is no sweep of operating points to write a ladder from");
        writeMeasuredLadder(parser.value("write-ladder").toStdString(), parseOperatingPoints(settings.points), *means,
                            results.modelId, results.images.size(), args);
    }
    return kOk;
}

}  // namespace sem::cli

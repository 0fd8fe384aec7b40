#include "cli/commands/BenchCommand.h"

#include <QCommandLineParser>
#include <QDir>
#include <ostream>

#include "cli/Options.h"
#include "cli/bench/BaselineBench.h"
#include "cli/bench/CaptionBench.h"
#include "cli/bench/ControlBench.h"
#ifdef SEM_HAVE_DIFFUSION
#include "cli/bench/SdBench.h"
#endif
#include "cli/bench/EdgeBench.h"
#include "cli/bench/EdgeContextFit.h"
#include "cli/bench/EncodeBench.h"
#include "cli/bench/HintBench.h"
#include "cli/bench/NiqeBench.h"
#include "cli/bench/TextBench.h"
#include "core/common/Error.h"
#ifdef SEM_HAVE_DIFFUSION
#include "cli/bench/DecodeBench.h"
#endif

namespace sem::cli {
namespace {

std::vector<std::string> toStd(const QStringList& l)
{
    std::vector<std::string> v;
    for (const QString& s : l)
        v.push_back(s.toStdString());
    return v;
}

// The images of a folder (jpg, png), sorted, or the given files themselves.
std::vector<std::string> imagesIn(const QString& folder)
{
    const QDir dir(folder);
    if (!dir.exists())
        throw Error("no such folder: " + folder.toStdString());
    std::vector<std::string> files;
    for (const QString& f : dir.entryList({"*.jpg", "*.jpeg", "*.png"}, QDir::Files, QDir::Name))
        files.push_back(dir.filePath(f).toStdString());
    if (files.empty())
        throw Error("no .jpg or .png images in " + folder.toStdString());
    return files;
}

}  // namespace

int BenchCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "bench [IMAGES...] [--runs N] | --edges DIR | --edge-speed [IMG] | --fit-edge-contexts DATA | --text CSV | --hint DIR"
                          " | --baselines IMAGES... | --control IMAGES... | --niqe IMAGES... | --caption | --decode",
                  "Benchmarks, printed as markdown for docs/BENCHMARKS.md (with the machine).\n"
                  "With images and no mode: the encode path (768x512 encode vs OpenCV WebP, live slider at 12 MP).");
    parser.addOptions({
        {"runs", "Repetitions per timing; the median is reported (default 15).", "N", "15"},
        {"edges", "Edge coding (every profile) vs bilevel PNG over the images of DIR.", "DIR"},
        {"edge-speed", "Extract + code time at 12 MP (synthetic 4000x3000 without an image)."},
        {"fit-edge-contexts", "Fit the edge coder's context tables on the training split of prepared data\n"
                              "(semc train --prepare-only) and compare on its validation split.", "DATA"},
        {"tables", "With --fit-edge-contexts: write the fitted tables as C++ source.", "OUT.cpp"},
        {"text", "Caption coding methods over a Flickr8k-style captions CSV (image,caption).", "CSV"},
        {"build-caption-dictionary", "Regenerate core/text/CaptionDictionary.cpp from the CSV's training half.",
         "OUT.cpp"},
        {"hint", "Hint codecs: bytes vs PSNR per factor and quality over the images of DIR.", "DIR"},
        {"baselines", "Classical codecs at target bpps over the given IMAGES."},
        {"niqe", "NIQE time at 768x512 (and 12 MP) over the given IMAGES, beside the full-reference metrics."},
        {"caption", "Caption client overhead per request against a local fake server."},
        {"control", "ControlNet control image preparations of reduced edge maps vs Canny at the working size,\n"
                    "over the given IMAGES."},
        {"work-size", "With --control: the working size's longest side (default 768).", "PX", "768"},
        {"decode", "Decoder seconds per step and peak memory (random default-architecture weights unless --model)."},
        {"model", "Model for --decode.", "DIR"},
        {"sd", "Stable Diffusion 1.5 + ControlNet at full size with random fp16 weights written from the tensor\n"
               "manifests: load time, seconds per guided step at 512x512 and 768x512, peak RSS."},
        {"manifest", "With --sd: the manifest folder (default tests/diffusion/sd/fixtures/manifest).", "DIR",
         "tests/diffusion/sd/fixtures/manifest"},
        {"work-dir", "With --sd: where the random checkpoints are written (about 2.8 GB; removed after).", "DIR",
         "/tmp/semc-sd-bench"},
        {"sd-steps", "With --sd: steps per decode (default 3).", "N", "3"},
        {"device", "Device for --decode: auto, cpu or cuda.", "D", "auto"},
    });
    if (!Options::parse(parser, "bench", args, io))
        return kOk;
    io.out << "Command: `semc bench " << args.join(' ').toStdString() << "`\n\nMachine: " << bench::machineDescription()
           << "\n\n";
    const std::vector<std::string> positional = toStd(parser.positionalArguments());

    if (parser.isSet("edges"))
        return bench::runEdgeCodecBench(imagesIn(parser.value("edges")), io.out);
    if (parser.isSet("fit-edge-contexts"))
        return bench::runEdgeContextFit(parser.value("fit-edge-contexts").toStdString(),
                                        parser.value("tables").toStdString(), io.out);
    if (parser.isSet("edge-speed"))
        return bench::runEdgeSpeedBench(positional.empty() ? std::string() : positional.front(), io.out);
    if (parser.isSet("build-caption-dictionary")) {
        if (!parser.isSet("text"))
            throw Error("--build-caption-dictionary needs --text CSV");
        return bench::writeCaptionDictionarySource(parser.value("text").toStdString(),
                                                   parser.value("build-caption-dictionary").toStdString(), io.out);
    }
    if (parser.isSet("text"))
        return bench::runTextCodecBench(parser.value("text").toStdString(), io.out);
    if (parser.isSet("hint"))
        return bench::runHintCodecBench(imagesIn(parser.value("hint")), io.out);
    if (parser.isSet("baselines")) {
        if (positional.empty())
            throw Error("--baselines needs images (e.g. the first five of bsds500/val)");
        return bench::runBaselineBench(positional, io.out);
    }
    if (parser.isSet("control")) {
        if (positional.empty())
            throw Error("--control needs images (e.g. resources/samples/*.jpg)");
        return bench::runControlPreparationBench(positional, static_cast<int>(Options::toInt(parser, "work-size", 64, 2048)),
                                                 io.out);
    }
    if (parser.isSet("niqe")) {
        if (positional.empty())
            throw Error("--niqe needs images (e.g. resources/samples/*.jpg)");
        return bench::runNiqeBench(positional, static_cast<int>(Options::toInt(parser, "runs", 1, 1000)), io.out);
    }
    if (parser.isSet("caption")) {
        printCaptionBench(runCaptionBench(50, captionBenchImage()), io.out);
        return kOk;
    }
    if (parser.isSet("sd")) {
#ifdef SEM_HAVE_DIFFUSION
        return bench::runSdBench(parser.value("manifest").toStdString(), parser.value("work-dir").toStdString(),
                                 parser.value("device").toStdString(), static_cast<int>(Options::toInt(parser, "sd-steps", 2, 100)),
                                 io.out);
#else
        throw Error("this build has no diffusion decoder (SEM_BUILD_DIFFUSION=OFF)");
#endif
    }
    if (parser.isSet("decode")) {
#ifdef SEM_HAVE_DIFFUSION
        return bench::runDecodeBench(parser.value("model").toStdString(), parser.value("device").toStdString(), io.out);
#else
        throw Error("this build has no diffusion decoder (SEM_BUILD_DIFFUSION=OFF)");
#endif
    }
    const int runs = static_cast<int>(Options::toInt(parser, "runs", 1, 1000));
    if (positional.empty())
        throw Error("give one or more images to benchmark (e.g. resources/samples/*.jpg), or a mode (see --help)");
    return bench::runEncodeBench(positional, runs, io.out);
}

}  // namespace sem::cli

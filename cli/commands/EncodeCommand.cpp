#include "cli/commands/EncodeCommand.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <ostream>

#include "cli/Options.h"
#include "cli/RateBudget.h"
#include "cli/Report.h"
#include "cli/batch/BatchRunner.h"
#include "cli/batch/CaptionsFile.h"
#include "cli/commands/CaptionCommand.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/pipeline/Encoder.h"
#include "core/text/TextCodec.h"

namespace sem::cli {
namespace {

// How one image is encoded: the settings of the command line, or a rung of the rate ladder.
struct EncodePlan {
    EncodeOptions options;
    RateBudget budget;
};

int runBatch(const QCommandLineParser& parser, const EncodePlan& plan, Io& io)
{
    const QStringList inputs = parser.positionalArguments();
    if (inputs.isEmpty())
        throw Error("expected input images, folders or @lists");
    if (plan.options.caption == "auto")
        throw Error("--caption auto is for one image; for a collection run semc caption IN... -o DIR first, then "
                    "semc encode IN... -o OUTDIR --captions DIR/captions.json");
    if (parser.isSet("captions") && !plan.options.caption.empty())
        throw Error("give either --captions or --caption/--caption-file, not both");
    const std::string captionsPath = parser.value("captions").toStdString();
    const nlohmann::json captions =
        parser.isSet("captions") ? CaptionsFile::load(parser.value("captions")) : nlohmann::json();
    const BatchOptions batch = BatchOptions::read(parser, BatchOptions::cores(), 256);
    const std::vector<BatchItem> items =
        batch.items(inputs, parser.value("output"), ".sem", BatchInputs::imageSuffixes());
    BatchRunner runner("encode", io);
    const BatchReport report = runner.run(
        items, batch,
        [&plan, &captions, &captionsPath](const BatchItem& item, const std::atomic<bool>*) {
            EncodePlan mine = plan;
            if (captions.is_object()) {
                const std::string key = item.relative.toStdString();
                if (!captions.contains(key))
                    throw Error("no caption for '" + key + "' in " + captionsPath);
                mine.options.caption = captions[key]["caption"].get<std::string>();
                if (!TextCodec::isValidUtf8(mine.options.caption))
                    throw Error("the caption of '" + key + "' is not valid UTF-8");
            }
            const LoadedImage image = ImageIO::load(item.input.toStdString());
            const LadderResult chosen = mine.budget.encode(image.bgr, mine.options);
            const EncodeResult& result = chosen.result;
            const int rung = chosen.rung;
            result.file.save(item.output.toStdString());
            BatchOutcome o;
            o.bytesIn = static_cast<std::uint64_t>(QFileInfo(item.input).size());
            o.bytesOut = result.file.breakdown().total;
            o.bpp = result.file.bpp();
            o.extra["width"] = result.file.width;
            o.extra["height"] = result.file.height;
            if (rung >= 0)
                o.extra["operating_point"] = chosen.point.point();
            if (!image.warnings.empty())
                o.extra["warnings"] = image.warnings;
            return o;
        },
        [](const QString& output) {
            try {
                SemFile::load(output.toStdString());
                return true;
            } catch (const std::exception&) {
                return false;  // absent or not a valid .sem: encode it again
            }
        });
    return BatchRunner::finish(report, batch, io);
}

}  // namespace

int EncodeCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "encode IN -o OUT.sem [options]\n       semc encode IN... -o OUTDIR [--jobs N] [--shard I/N] [options]",
                  "Encodes IN (PNG, JPEG, WebP, TIFF or BMP) as a .sem file: a Canny edge map (lossless),\n"
                  "an optional caption and an optional tiny colour hint.\n\n"
                  + BatchOptions::helpText("each image X becomes OUTDIR/<its folder under the input folder>/X.sem."));
    parser.addOption({{"o", "output"}, "Output .sem file (batch: output folder).", "OUT"});
    BatchOptions::add(parser, "Batch: encode N images at a time (default: the number of cores).");
    Options::addEdgeOptions(parser);
    Options::addHintOptions(parser);
    Options::addCaptionOptions(parser);
    RateBudget::addOptions(parser, true);
    parser.addOptions({
        {"captions", "Batch: each image's caption from this file (what semc caption IN... -o DIR writes:\n"
                     "DIR/captions.json, keyed by the image's path under its folder argument).", "FILE"},
        {"strip-metadata", "Do not store the encoder settings (saves a few dozen bytes)."},
        {"json", "Print the result as JSON."},
    });
    if (!Options::parse(parser, "encode", args, io))
        return kOk;
    if (!parser.isSet("output"))
        throw Error("missing -o OUT.sem");
    const bool batch = BatchInputs::isBatch(parser.positionalArguments(), parser.value("output"));
    if (!batch) {
        BatchOptions::refuseInSingleMode(parser, "encode");
        if (parser.isSet("captions"))
            throw Error("--captions is for batch mode (see semc encode --help); give one image --caption or --caption-file");
        Options::positional(parser, 1, "one input image");
    }

    EncodeOptions options;
    options.canny = Options::edgeParams(parser);
    options.hint = Options::hintParams(parser);
    options.caption = Options::captionText(parser);
    options.writeMetadata = !parser.isSet("strip-metadata");

    const RateBudget budget = RateBudget::fromOptions(parser);
    if (batch)
        return runBatch(parser, EncodePlan{options, budget}, io);

    const QString in = parser.positionalArguments().front();
    const LoadedImage image = ImageIO::load(in.toStdString());
    for (const std::string& w : image.warnings)
        io.err << "semc encode: warning: " << in.toStdString() << ": " << w << "\n";
    if (options.caption == "auto") {
        QStringList warnings;
        const CaptionSettings settings = CaptionSettings::load(&warnings);
        for (const QString& w : warnings)
            io.err << "semc encode: warning: " << w.toStdString() << "\n";
        options.caption = requestCaption(image.bgr, settings, io, "encode").caption.toStdString();
        io.err << "semc encode: caption: " << options.caption << "\n";
    }
    const LadderResult chosen = budget.encode(image.bgr, options);
    const EncodeResult& result = chosen.result;
    const std::string out = parser.value("output").toStdString();
    result.file.save(out);

    if (parser.isSet("json")) {
        nlohmann::json j = Report::semJson(result.file);
        j["output"] = out;
        if (budget.active())
            j["operating_point"] = budget.json(chosen, options, image.bgr);
        io.out << j.dump(2) << "\n";
    } else {
        io.out << "wrote " << out << "\n";
        if (budget.active())
            io.out << budget.describe(chosen, options, image.bgr);
        Report::printSem(result.file, io.out);
    }
    return kOk;
}

}  // namespace sem::cli

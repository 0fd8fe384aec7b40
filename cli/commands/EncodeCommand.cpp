#include "cli/commands/EncodeCommand.h"

#include <QCommandLineParser>
#include <cmath>
#include <ostream>

#include "cli/Options.h"
#include "cli/Report.h"
#include "cli/commands/CaptionCommand.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/RateLadder.h"

namespace sem::cli {
int EncodeCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "encode IN -o OUT.sem [options]",
                  "Encodes IN (PNG, JPEG, WebP, TIFF or BMP) as a .sem file: a Canny edge map (lossless),\n"
                  "an optional caption and an optional tiny colour hint.");
    parser.addOption({{"o", "output"}, "Output .sem file.", "OUT"});
    Options::addEdgeOptions(parser);
    Options::addHintOptions(parser);
    Options::addCaptionOptions(parser);
    parser.addOptions({
        {"target-bpp", "Pick the edge and hint settings for this size: the best of the measured operating\n"
                       "points (docs/RESULTS.md) whose file has at most B bits per pixel; sets --scale,\n"
                       "--low/--high, --min-length, --hint and --hint-quality.", "B"},
        {"max-bytes", "As --target-bpp, for a file of at most N bytes.", "N"},
        {"strip-metadata", "Do not store the encoder settings (saves a few dozen bytes)."},
        {"json", "Print the result as JSON."},
    });
    if (!Options::parse(parser, "encode", args, io))
        return kOk;
    const QString in = Options::positional(parser, 1, "one input image")[0];
    if (!parser.isSet("output"))
        throw Error("missing -o OUT.sem");

    EncodeOptions options;
    options.canny = Options::edgeParams(parser);
    options.hint = Options::hintParams(parser);
    options.caption = Options::captionText(parser);
    options.writeMetadata = !parser.isSet("strip-metadata");

    const bool budgeted = parser.isSet("target-bpp") || parser.isSet("max-bytes");
    if (parser.isSet("target-bpp") && parser.isSet("max-bytes"))
        throw Error("--target-bpp and --max-bytes exclude each other");
    for (const char* o : {"scale", "low", "high", "auto", "min-length", "hint", "hint-quality"})
        if (budgeted && parser.isSet(o))
            throw Error(std::string("--") + (parser.isSet("target-bpp") ? "target-bpp" : "max-bytes") +
                        " chooses the edge and hint settings; leave out --" + o);
    const double targetBpp = parser.isSet("target-bpp") ? Options::toDouble(parser, "target-bpp", 0.0001, 64.0) : 0.0;
    const long long maxBytes = parser.isSet("max-bytes") ? Options::toInt(parser, "max-bytes", 1, 1LL << 40) : 0;

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
    int rung = -1;
    EncodeResult result;
    if (budgeted) {
        const double pixels = static_cast<double>(image.bgr.cols) * image.bgr.rows;
        const auto budget = maxBytes > 0 ? static_cast<std::size_t>(maxBytes)
                                         : static_cast<std::size_t>(std::floor(targetBpp * pixels / 8.0));
        LadderResult chosen = RateLadder::encodeWithin(image.bgr, options, budget);
        rung = chosen.rung;
        result = std::move(chosen.result);
    } else {
        result = Encoder::encode(image.bgr, options);
    }
    const std::string out = parser.value("output").toStdString();
    result.file.save(out);

    if (parser.isSet("json")) {
        nlohmann::json j = Report::semJson(result.file);
        j["output"] = out;
        if (rung >= 0)
            j["operating_point"] = {{"rung", rung + 1}, {"of", RateLadder::rungs().size()},
                                    {"point", RateLadder::rungs()[static_cast<std::size_t>(rung)].point()}};
        io.out << j.dump(2) << "\n";
    } else {
        io.out << "wrote " << out << "\n";
        if (rung >= 0)
            io.out << "operating point " << rung + 1 << " of " << RateLadder::rungs().size() << ": "
                   << RateLadder::rungs()[static_cast<std::size_t>(rung)].point() << " (SCALE:HINT:HIGH[:MINLEN])\n";
        Report::printSem(result.file, io.out);
    }
    return kOk;
}

}  // namespace sem::cli

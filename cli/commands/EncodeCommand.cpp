#include "cli/commands/EncodeCommand.h"

#include <QCommandLineParser>
#include <ostream>

#include "cli/Options.h"
#include "cli/RateBudget.h"
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
    RateBudget::addOptions(parser);
    parser.addOptions({
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

    const RateBudget budget = RateBudget::fromOptions(parser);

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
    LadderResult chosen;
    if (budget.active())
        chosen = budget.encode(image.bgr, options);
    else
        chosen.result = Encoder::encode(image.bgr, options);
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

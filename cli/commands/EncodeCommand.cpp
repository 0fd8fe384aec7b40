#include "cli/commands/EncodeCommand.h"

#include <QCommandLineParser>
#include <ostream>

#include "cli/Options.h"
#include "cli/Report.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/pipeline/Encoder.h"
#include "core/text/TextCodec.h"

namespace sem::cli {
namespace {

std::string captionFrom(const QCommandLineParser& parser)
{
    if (parser.isSet("caption") && parser.isSet("caption-file"))
        throw Error("give either --caption or --caption-file, not both");
    std::string text;
    if (parser.isSet("caption-file")) {
        const auto bytes = readFile(parser.value("caption-file").toStdString(), TextCodec::kMaxCaptionBytes * 4);
        text.assign(bytes.begin(), bytes.end());
    } else {
        text = parser.value("caption").toStdString();
    }
    // Trailing newlines and spaces from files and shells are not part of the caption.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.pop_back();
    if (!TextCodec::isValidUtf8(text))
        throw Error("the caption is not valid UTF-8");
    return text;
}

}  // namespace

int EncodeCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "encode IN -o OUT.sem [options]",
                  "Encodes IN (PNG, JPEG, WebP, TIFF or BMP) as a .sem file: a Canny edge map (JBIG),\n"
                  "an optional caption and an optional tiny colour hint.");
    parser.addOption({{"o", "output"}, "Output .sem file.", "OUT"});
    Options::addEdgeOptions(parser);
    Options::addHintOptions(parser);
    parser.addOptions({
        {"caption", "Caption text (UTF-8).", "TEXT"},
        {"caption-file", "Read the caption from a UTF-8 text file.", "F"},
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
    options.caption = captionFrom(parser);
    options.writeMetadata = !parser.isSet("strip-metadata");

    const LoadedImage image = ImageIO::load(in.toStdString());
    for (const std::string& w : image.warnings)
        io.err << "semc encode: warning: " << in.toStdString() << ": " << w << "\n";
    const EncodeResult result = Encoder::encode(image.bgr, options);
    const std::string out = parser.value("output").toStdString();
    result.file.save(out);

    if (parser.isSet("json")) {
        nlohmann::json j = Report::semJson(result.file);
        j["output"] = out;
        io.out << j.dump(2) << "\n";
    } else {
        io.out << "wrote " << out << "\n";
        Report::printSem(result.file, io.out);
    }
    return kOk;
}

}  // namespace sem::cli

#include "cli/commands/InfoCommand.h"

#include <QCommandLineParser>
#include <ostream>

#include "cli/Options.h"
#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/pipeline/StreamDecoder.h"

namespace sem::cli {

int InfoCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "info FILE.sem [--json]",
                  "Reads and validates a .sem file (container, edge, caption and hint streams) and\n"
                  "prints its size, bits per pixel and the bytes of every chunk.");
    parser.addOption({"json", "Print as JSON."});
    if (!Options::parse(parser, "info", args, io))
        return kOk;
    const std::string path = Options::positional(parser, 1, "one .sem file")[0].toStdString();
    const SemFile file = SemFile::load(path);
    DecodedStreams streams;
    try {
        streams = StreamDecoder::decode(file);
    } catch (const std::exception& e) {
        throw Error(path + ": " + e.what());
    }
    const long long edgePixels = streams.edges.empty() ? 0 : streams.edges.edgePixels();
    if (parser.isSet("json")) {
        nlohmann::json j = Report::semJson(file);
        j["file"] = path;
        j["caption"] = streams.caption;
        if (!streams.edges.empty())
            j["edges"] = {{"width", streams.edges.width}, {"height", streams.edges.height},
                          {"scale", 1.0 / streams.edges.scaleDenominator},
                          {"planes", streams.edges.planes.size()}, {"edge_pixels", edgePixels}};
        if (!streams.hintThumbnail.empty())
            j["hint"] = {{"width", streams.hintThumbnail.cols}, {"height", streams.hintThumbnail.rows}};
        const std::string meta = file.metadataJson();
        if (!meta.empty())
            j["metadata"] = nlohmann::json::parse(meta);
        io.out << j.dump(2) << "\n";
        return kOk;
    }
    io.out << "file       " << path << "\n";
    Report::printSem(file, io.out);
    if (!streams.edges.empty())
        io.out << "edges      " << streams.edges.width << "x" << streams.edges.height << " map (scale 1/"
               << streams.edges.scaleDenominator << "), " << streams.edges.planes.size() << " plane(s), "
               << edgePixels << " edge pixels\n";
    if (!streams.hintThumbnail.empty())
        io.out << "hint       " << streams.hintThumbnail.cols << "x" << streams.hintThumbnail.rows << " thumbnail\n";
    io.out << "caption    " << (file.caption ? "\"" + streams.caption + "\"" : std::string("(none)")) << "\n";
    const std::string meta = file.metadataJson();
    if (!meta.empty())
        io.out << "metadata   " << meta << "\n";
    return kOk;
}

}  // namespace sem::cli

#include "cli/commands/EdgesCommand.h"

#include <QCommandLineParser>
#include <chrono>
#include <opencv2/imgproc.hpp>
#include <ostream>

#include "cli/Options.h"
#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/image/ImageIO.h"

namespace sem::cli {

int EdgesCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "edges IN -o edges.png [options]",
                  "Extracts the Canny edge map with the same options as `semc encode`, writes it as an\n"
                  "image (white edges on black, at the map's resolution unless --full-size) and reports\n"
                  "the size of its coded stream.");
    parser.addOption({{"o", "output"}, "Output image (.png, .bmp, ...).", "OUT"});
    Options::addEdgeOptions(parser);
    parser.addOptions({{"full-size", "Write the map upsampled to the image size."}, {"json", "Print as JSON."}});
    if (!Options::parse(parser, "edges", args, io))
        return kOk;
    const QString in = Options::positional(parser, 1, "one input image")[0];
    if (!parser.isSet("output"))
        throw Error("missing -o OUT.png");
    const CannyParams params = Options::edgeParams(parser);
    const LoadedImage image = ImageIO::load(in.toStdString());
    for (const std::string& w : image.warnings)
        io.err << "semc edges: warning: " << in.toStdString() << ": " << w << "\n";

    const auto t0 = std::chrono::steady_clock::now();
    const EdgeMap map = EdgeExtractor::extract(image.bgr, params);
    const auto coded = EdgeCodec::encode(map);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    cv::Mat gray = parser.isSet("full-size") ? map.upsampled(image.bgr.cols, image.bgr.rows) : map.combined();
    cv::Mat bgr;
    cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
    const std::string out = parser.value("output").toStdString();
    ImageIO::save(out, bgr);

    const double pixels = static_cast<double>(image.bgr.cols) * image.bgr.rows;
    const double bpp = coded.size() * 8.0 / pixels;
    if (parser.isSet("json")) {
        nlohmann::json j = {{"width", image.bgr.cols}, {"height", image.bgr.rows},
                            {"map_width", map.width}, {"map_height", map.height},
                            {"planes", map.planes.size()}, {"edge_pixels", map.edgePixels()},
                            {"bytes", coded.size()}, {"bpp", bpp}, {"milliseconds", ms}, {"output", out}};
        io.out << j.dump(2) << "\n";
    } else {
        io.out << "wrote " << out << "\n"
               << "map        " << map.width << "x" << map.height << " (scale 1/" << map.scaleDenominator << "), "
               << map.planes.size() << " plane(s), " << map.edgePixels() << " edge pixels\n"
               << "coded      " << coded.size() << " bytes, " << Report::fixed(bpp, 5) << " bpp of the "
               << image.bgr.cols << "x" << image.bgr.rows << " image\n"
               << "time       " << Report::fixed(ms, 1) << " ms (extract + code)\n";
    }
    return kOk;
}

}  // namespace sem::cli

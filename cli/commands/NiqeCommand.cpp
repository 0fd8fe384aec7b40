#include "cli/commands/NiqeCommand.h"

#include <QCommandLineParser>
#include <cmath>
#include <ostream>
#include <vector>

#include "cli/NiqeSupport.h"
#include "cli/Options.h"
#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"

namespace sem::cli {

int NiqeCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "niqe IMAGE... [--json]",
                  "Scores each image with NIQE (Mittal, Soundararajan, Bovik 2013), a no-reference measure of\n"
                  "how natural an image looks: lower is more natural (pristine photos score about 3 to 5).\n"
                  "Computed as BasicSR's calculate_niqe (crop_border 0, Y channel) with the MATLAB release's\n"
                  "pristine model; agrees with it within 0.01. Images need at least two 96x96 blocks (e.g.\n"
                  "192x96); a flat image has no score (n/a, JSON null). Gray images are scored on their values.");
    parser.addOptions({{"json", "Print as JSON: {\"images\": [{\"image\", \"width\", \"height\", \"niqe\"}], \"mean_niqe\"}."}});
    if (!Options::parse(parser, "niqe", args, io))
        return kOk;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        throw Error("give one or more images to score");

    nlohmann::json list = nlohmann::json::array();
    double sum = 0.0;
    int counted = 0;
    for (const QString& file : files) {
        const std::string path = file.toStdString();
        const LoadedImage image = ImageIO::load(path);
        for (const std::string& w : image.warnings)
            io.err << "semc niqe: warning: " << path << ": " << w << "\n";
        double v = 0.0;
        try {
            v = niqe_report::scoreLoaded(image);
        } catch (const Error& e) {
            throw Error(path + ": " + e.what());
        }
        if (std::isfinite(v)) {
            sum += v;
            ++counted;
        }
        if (parser.isSet("json"))
            list.push_back({{"image", path}, {"width", image.bgr.cols}, {"height", image.bgr.rows},
                            {"niqe", niqe_report::json(v)}});
        else
            io.out << path << "  NIQE " << niqe_report::text(v) << (std::isfinite(v) ? "" : " (flat image)") << "\n";
    }
    const double mean = counted > 0 ? sum / counted : std::nan("");
    if (parser.isSet("json"))
        io.out << nlohmann::json{{"images", list}, {"mean_niqe", niqe_report::json(mean)}}.dump(2) << "\n";
    else if (files.size() > 1)
        io.out << "mean NIQE " << niqe_report::text(mean) << " over " << counted << " of " << files.size()
               << " images\n";
    return kOk;
}

}  // namespace sem::cli

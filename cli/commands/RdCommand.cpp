#include "cli/commands/RdCommand.h"

#include <QCommandLineParser>
#include <iomanip>
#include <ostream>

#include "cli/NiqeSupport.h"
#include "cli/Options.h"
#include "cli/Report.h"
#include "core/baselines/Baselines.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Encoder.h"
#include "core/text/TextCodec.h"

namespace sem::cli {
namespace {

const std::vector<double> kTargets = {0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.3, 0.5};

struct OperatingPoint {
    int scaleDenominator;
    int hintFactor;
};
const OperatingPoint kOperatingPoints[] = {{8, 0}, {4, 0}, {2, 0}, {8, 32}, {4, 32}, {4, 16}, {2, 16}, {4, 8}};

}  // namespace

int RdCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "rd IN [--caption TEXT] [--json]",
                  "Rate-distortion points (bpp, PSNR, SSIM, MS-SSIM, NIQE) of every classical baseline at target\n"
                  "rates from 0.005 to 0.5 bpp, and the rate of the semantic streams (edges, caption, hint)\n"
                  "at a set of operating points with default Canny thresholds. The semantic codec's\n"
                  "distortion needs the decoder; the hint-only reconstruction's PSNR is shown for reference.\n"
                  "NIQE is no-reference (lower is more natural); the original's own NIQE is printed first.");
    parser.addOptions({{"caption", "Caption to count in the semantic streams' rate.", "TEXT"},
                       {"json", "Print as JSON."}});
    if (!Options::parse(parser, "rd", args, io))
        return kOk;
    const QString in = Options::positional(parser, 1, "one input image")[0];
    const LoadedImage image = ImageIO::load(in.toStdString());
    for (const std::string& w : image.warnings)
        io.err << "semc rd: warning: " << in.toStdString() << ": " << w << "\n";
    const cv::Mat& img = image.bgr;
    const bool json = parser.isSet("json");

    const double originalNiqe = niqe_report::score(img);
    nlohmann::json j = {{"width", img.cols}, {"height", img.rows}, {"niqe", niqe_report::json(originalNiqe)},
                        {"baselines", nlohmann::json::array()}, {"semantic", nlohmann::json::array()}};
    if (!json)
        io.out << "image " << img.cols << "x" << img.rows << ", NIQE " << niqe_report::text(originalNiqe) << "\n\n"
               << "codec           target    bpp      bytes   PSNR    SSIM    MS-SSIM  NIQE     setting\n";
    for (BaselineCodec codec : Baselines::all()) {
        nlohmann::json points = nlohmann::json::array();
        const std::vector<BaselineResult> results = Baselines::atTargetBpps(img, codec, kTargets);
        for (std::size_t i = 0; i < kTargets.size(); ++i) {
            const double target = kTargets[i];
            const BaselineResult& r = results[i];
            if (!r.reached) {
                points.push_back({{"target_bpp", target}, {"reached", false}, {"bpp", r.bpp}, {"bytes", r.bytes}});
                if (!json)
                    io.out << std::left << std::setw(16) << Baselines::name(codec) << std::setw(8) << target
                           << "not reached (smallest file " << Report::fixed(r.bpp, 4) << " bpp)\n"
                           << std::right;
                continue;
            }
            const metrics::Scores sc = metrics::all(img, r.decoded);
            const double psnr = sc.psnr, ssim = sc.ssim, ms = sc.msSsim;
            const double niqe = niqe_report::score(r.decoded);
            points.push_back({{"target_bpp", target}, {"reached", true}, {"bpp", r.bpp}, {"bytes", r.bytes},
                              {"psnr", psnr}, {"ssim", ssim}, {"ms_ssim", ms}, {"niqe", niqe_report::json(niqe)},
                              {"quality", r.quality},
                              {"downscale", r.downscale}});
            if (!json)
                io.out << std::left << std::setw(16) << Baselines::name(codec) << std::setw(8) << target << std::right
                       << Report::fixed(r.bpp, 4) << std::setw(9) << r.bytes << "  " << Report::fixed(psnr, 2)
                       << "  " << Report::fixed(ssim, 4) << "  " << Report::fixed(ms, 4) << "   " << std::left << std::setw(9)
                       << niqe_report::text(niqe) << std::right << "q" << r.quality
                       << (r.downscale > 1 ? " /" + std::to_string(r.downscale) : std::string()) << "\n";
        }
        j["baselines"].push_back({{"codec", Baselines::name(codec)}, {"points", points}});
    }

    if (!json)
        io.out << "\nsemantic streams (default thresholds" << (parser.isSet("caption") ? ", with caption" : "")
               << ")\nscale   hint   bytes    bpp      edges  caption  hint  container  hint-only PSNR\n";
    for (const OperatingPoint& op : kOperatingPoints) {
        EncodeOptions o;
        o.canny.scaleDenominator = op.scaleDenominator;
        o.hint.factor = op.hintFactor;
        o.caption = parser.value("caption").toStdString();
        o.writeMetadata = false;
        const EncodeResult r = Encoder::encode(img, o);
        const SemBreakdown b = r.file.breakdown();
        double hintPsnr = 0;
        if (r.file.hint)
            hintPsnr = metrics::psnr(img, HintCodec::decodeUpsampled(r.file.hint->data(), r.file.hint->size(),
                                                                      img.cols, img.rows));
        nlohmann::json p = {{"scale", 1.0 / op.scaleDenominator}, {"hint", op.hintFactor}, {"bytes", b.total},
                            {"bpp", r.file.bpp()},
                            {"chunks", {{"edges", b.edges}, {"caption", b.caption}, {"hint", b.hint},
                                        {"container", b.container}}}};
        if (r.file.hint)
            p["hint_only_psnr"] = hintPsnr;
        j["semantic"].push_back(p);
        if (!json)
            io.out << "1/" << std::left << std::setw(6) << op.scaleDenominator
                   << std::setw(7) << (op.hintFactor ? "1/" + std::to_string(op.hintFactor) : std::string("off"))
                   << std::right << std::setw(5) << b.total << "   " << Report::fixed(r.file.bpp(), 4) << std::setw(8)
                   << b.edges << std::setw(9) << b.caption << std::setw(6) << b.hint << std::setw(11) << b.container
                   << "  " << (r.file.hint ? Report::fixed(hintPsnr, 2) + " dB" : std::string("-")) << "\n";
    }
    if (json)
        io.out << j.dump(2) << "\n";
    return kOk;
}

}  // namespace sem::cli

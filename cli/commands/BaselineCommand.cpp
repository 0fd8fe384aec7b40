#include "cli/commands/BaselineCommand.h"

#include <QCommandLineParser>
#include <ostream>

#include "cli/NiqeSupport.h"
#include "cli/Options.h"
#include "cli/Report.h"
#include "core/baselines/Baselines.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/metrics/Metrics.h"

namespace sem::cli {

int BaselineCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "baseline IN --codec C --bpp B -o OUT.png [--json]",
                  "Codes IN with a classical codec at (or just under) a target bits per pixel, found by\n"
                  "searching the codec's quality (and the downscale factor for webp-downscale), writes the\n"
                  "decoded image and reports its size, PSNR, SSIM, MS-SSIM and NIQE (no-reference, lower is more\n"
                  "natural; n/a under 192x96 or when flat).\n"
                  "Codecs: jpeg, webp, jp2, avif, webp-downscale.");
    parser.addOptions({
        {"codec", "jpeg, webp, jp2, avif or webp-downscale.", "C"},
        {"bpp", "Target bits per pixel (0.001..24).", "B"},
        {{"o", "output"}, "Decoded image (.png, ...).", "OUT"},
        {"json", "Print as JSON."},
    });
    if (!Options::parse(parser, "baseline", args, io))
        return kOk;
    const QString in = Options::positional(parser, 1, "one input image")[0];
    if (!parser.isSet("codec"))
        throw Error("missing --codec (jpeg, webp, jp2, avif or webp-downscale)");
    const auto codec = Baselines::parse(parser.value("codec").toStdString());
    if (!codec)
        throw Error("unknown codec '" + parser.value("codec").toStdString()
                    + "' (expected jpeg, webp, jp2, avif or webp-downscale)");
    if (!parser.isSet("bpp"))
        throw Error("missing --bpp");
    const double target = Options::toDouble(parser, "bpp", 0.001, 24.0);
    if (!parser.isSet("output"))
        throw Error("missing -o OUT.png");

    const LoadedImage image = ImageIO::load(in.toStdString());
    for (const std::string& w : image.warnings)
        io.err << "semc baseline: warning: " << in.toStdString() << ": " << w << "\n";
    const BaselineResult r = Baselines::atTargetBpp(image.bgr, *codec, target);
    const std::string out = parser.value("output").toStdString();
    ImageIO::save(out, r.decoded);
    const double psnr = metrics::psnr(image.bgr, r.decoded);
    const double ssim = metrics::ssim(image.bgr, r.decoded);
    const double msssim = metrics::msSsim(image.bgr, r.decoded);
    const double niqe = niqe_report::score(r.decoded);
    if (!r.reached)
        io.err << "semc baseline: warning: " << Baselines::name(*codec) << " cannot reach " << target
               << " bpp on this image; its smallest file is " << Report::fixed(r.bpp, 4) << " bpp\n";
    if (parser.isSet("json")) {
        nlohmann::json j = {{"codec", Baselines::name(*codec)}, {"target_bpp", target}, {"reached", r.reached},
                            {"quality", r.quality}, {"downscale", r.downscale}, {"bytes", r.bytes},
                            {"bpp", r.bpp}, {"psnr", psnr}, {"ssim", ssim}, {"ms_ssim", msssim},
                            {"niqe", niqe_report::json(niqe)},
                            {"width", image.bgr.cols}, {"height", image.bgr.rows}, {"output", out}};
        io.out << j.dump(2) << "\n";
    } else {
        io.out << "wrote " << out << "\n"
               << Baselines::name(*codec) << " quality " << r.quality
               << (r.downscale > 1 ? ", downscale 1/" + std::to_string(r.downscale) : std::string()) << ": "
               << r.bytes << " bytes, " << Report::fixed(r.bpp, 4) << " bpp (target " << target << ")\n"
               << "PSNR " << Report::fixed(psnr, 2) << " dB, SSIM " << Report::fixed(ssim, 4) << ", MS-SSIM "
               << Report::fixed(msssim, 4) << ", NIQE " << niqe_report::text(niqe) << "\n";
    }
    return kOk;
}

}  // namespace sem::cli

#include "cli/commands/DecodeCommand.h"

#include <QCommandLineParser>
#include <QRegularExpression>
#include <chrono>
#include <ostream>

#include "cli/DecodeSupport.h"
#include "cli/NiqeSupport.h"
#include "cli/Options.h"
#include "cli/RateBudget.h"
#include "cli/Report.h"
#include "cli/batch/BatchOptions.h"
#include "cli/commands/DecodeBatch.h"
#include "core/common/Cancelled.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/Encoder.h"

namespace sem::cli {
namespace {

void printWarnings(const std::string& command, const DecodeOutcome& o, Io& io)
{
    for (const std::string& w : o.warnings)
        io.err << "semc " << command << ": warning: " << w << "\n";
}

// Runs `body`; a Ctrl-C during it ends the command with exit code 130 and nothing written.
template <typename F>
int interruptible(const std::string& command, Io& io, F&& body)
{
    DecodeSupport::InterruptGuard guard;
    try {
        return body(guard.flag());
    } catch (const Cancelled&) {
        io.err << "\nsemc " << command << ": interrupted; no output file was written\n";
        return kInterrupted;
    }
}

}  // namespace

int DecodeCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "decode IN.sem -o OUT.png [options]\n       semc decode IN... -o OUTDIR [--shard I/N] [options]",
                  "Redraws the image of a .sem file with the diffusion decoder. The sampler settings and\n"
                  "seed recorded in the file are used unless overridden, so a decode is reproducible.\n"
                  "Ctrl-C stops within one step and writes nothing.\n\n"
                  + BatchOptions::helpText("each X.sem becomes OUTDIR/<its folder under the input folder>/X.png\n"
                                           "(folders: their .sem files). One loaded model decodes them: on CUDA the "
                                           "files of one size\nand settings go through the network together, as "
                                           "many as fit in memory (--batch-images);\non the CPU one image at a "
                                           "time with all cores. Ctrl-C stops the decode in progress,\nkeeping the "
                                           "finished files."));
    parser.addOption({{"o", "output"}, "Output image (.png, ...; batch: output folder).", "OUT"});
    DecodeSupport::addOptions(parser);
    BatchOptions::add(parser, {});
    parser.addOption({"batch-images", "Batch: files of one size and settings decoded together, 1..64 (default 0: "
                                      "automatic, as many as fit on CUDA, 1 on the CPU). Each image is the one a "
                                      "decode of its file alone gives, up to rounding.", "N"});
    parser.addOption({"json", "Print the result as JSON (batch: the report, one entry per file)."});
    if (!Options::parse(parser, "decode", args, io))
        return kOk;
    if (parser.isSet("output") && BatchInputs::isBatch(parser.positionalArguments(), parser.value("output")))
        return DecodeBatch::decode(parser, io);
    BatchOptions::refuseInSingleMode(parser, "decode");
    const std::string in = Options::positional(parser, 1, "one .sem file")[0].toStdString();
    if (!parser.isSet("output"))
        throw Error("missing -o OUT.png");
    const std::string out = parser.value("output").toStdString();
    const DecodeRequest request = DecodeSupport::request(parser);
    const SemFile file = SemFile::load(in);
    Decoder decoder(DecodeSupport::modelPath(parser), DecodeSupport::device(parser), DecodeSupport::controlnetPath(parser),
                    DecodeSupport::loadPrinter(io));
    const auto progress = DecodeSupport::progressPrinter(parser, io);
    return interruptible(name(), io, [&](const std::atomic<bool>* cancel) {
        const DecodeOutcome o = decoder.decode(file, request, progress, cancel);
        printWarnings(name(), o, io);
        ImageIO::save(out, o.image);
        if (parser.isSet("json")) {
            nlohmann::json j = {{"width", file.width}, {"height", file.height}, {"bytes", file.serialize().size()},
                                {"bpp", file.bpp()}, {"seconds", o.seconds}, {"device", decoder.deviceName()},
                                {"model_id", decoder.modelId()},
                                {"settings", Report::decodeSettingsJson(o.settings, file.hint.has_value())},
                                {"output", out}};
            io.out << j.dump(2) << "\n";
        } else {
            io.out << "wrote " << out << " (" << file.width << "x" << file.height << ") in "
                   << Report::fixed(o.seconds, 2) << " s on " << decoder.deviceName() << "\n";
        }
        return int(kOk);
    });
}

int RoundtripCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "roundtrip IN -o OUT.png [encode options] [--target-bpp B | --max-bytes N] [decode options] "
                          "[--sem OUT.sem] [--json]\n"
                          "       semc roundtrip IN... -o OUTDIR [--shard I/N] [options]",
                  "Encodes IN, decodes the result and reports bits per pixel, PSNR, SSIM, MS-SSIM, time and the\n"
                  "decode's NIQE (no-reference; lower is more natural; n/a under 192x96 or when flat).\n"
                  "The decoder model's id and the sampler settings are recorded in the .sem.\n\n"
                  + BatchOptions::helpText("each image X becomes OUTDIR/<its folder under the input folder>/X.png;\n"
                                           "the report has bpp, PSNR, SSIM and MS-SSIM per file (no NIQE), and "
                                           "bytes out\nare the .sem sizes. One image at a time with all cores."));
    parser.addOption({{"o", "output"}, "Decoded image (.png, ...; batch: output folder).", "OUT"});
    parser.addOption({"sem", "Also keep the .sem file here.", "FILE"});
    Options::addEdgeOptions(parser);
    Options::addHintOptions(parser);
    Options::addCaptionOptions(parser);
    RateBudget::addOptions(parser);
    DecodeSupport::addOptions(parser);
    BatchOptions::add(parser, {});
    parser.addOption({"json", "Print the result as JSON (batch: the report, one entry per file)."});
    if (!Options::parse(parser, "roundtrip", args, io))
        return kOk;
    const bool batch =
        parser.isSet("output") && BatchInputs::isBatch(parser.positionalArguments(), parser.value("output"));
    if (!batch) {
        BatchOptions::refuseInSingleMode(parser, "roundtrip");
        Options::positional(parser, 1, "one input image");
        if (!parser.isSet("output"))
            throw Error("missing -o OUT.png");
    }
    EncodeOptions eo;
    eo.canny = Options::edgeParams(parser);
    eo.hint = Options::hintParams(parser);
    eo.caption = Options::captionText(parser);
    eo.writeMetadata = false;
    const RateBudget budget = RateBudget::fromOptions(parser);
    if (batch) {
        return DecodeBatch::roundtrip(parser, eo, budget, io);
    }
    const std::string in = parser.positionalArguments().front().toStdString();
    const std::string out = parser.value("output").toStdString();
    const DecodeRequest request = DecodeSupport::request(parser);
    const LoadedImage image = ImageIO::load(in);
    for (const std::string& w : image.warnings)
        io.err << "semc roundtrip: warning: " << in << ": " << w << "\n";
    Decoder decoder(DecodeSupport::modelPath(parser), DecodeSupport::device(parser), DecodeSupport::controlnetPath(parser),
                    DecodeSupport::loadPrinter(io));
    eo.modelId = decoder.modelId32();
    eo.decode = Decoder::resolve(DecodeSettings{}, request, decoder.settingsFamily());
    decoder.planMemory(image.bgr.cols, image.bgr.rows, eo.decode, request);  // refused before encoding

    const auto t0 = std::chrono::steady_clock::now();
    const LadderResult chosen = budget.encode(image.bgr, eo);
    const EncodeResult& enc = chosen.result;
    const double encodeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (parser.isSet("sem"))
        enc.file.save(parser.value("sem").toStdString());
    const auto progress = DecodeSupport::progressPrinter(parser, io);
    return interruptible(name(), io, [&](const std::atomic<bool>* cancel) {
        const DecodeOutcome o = decoder.decode(enc.file, request, progress, cancel);
        printWarnings(name(), o, io);
        ImageIO::save(out, o.image);
        const SemBreakdown b = enc.file.breakdown();
        const double psnr = metrics::psnr(image.bgr, o.image);
        const double ssim = metrics::ssim(image.bgr, o.image);
        const double ms = metrics::msSsim(image.bgr, o.image);
        const double niqe = niqe_report::score(o.image);
        if (parser.isSet("json")) {
            nlohmann::json j = {{"width", enc.file.width}, {"height", enc.file.height}, {"bytes", b.total},
                                {"bpp", enc.file.bpp()}, {"psnr", psnr}, {"ssim", ssim}, {"ms_ssim", ms},
                                {"niqe", niqe_report::json(niqe)}, {"encode_seconds", encodeSeconds}, {"decode_seconds", o.seconds},
                                {"chunks", {{"edges", b.edges}, {"caption", b.caption}, {"hint", b.hint},
                                            {"container", b.container}}},
                                {"device", decoder.deviceName()},
                                {"settings", Report::decodeSettingsJson(o.settings, enc.file.hint.has_value())},
                                {"output", out}};
            if (budget.active())
                j["operating_point"] = budget.json(chosen, eo, image.bgr);
            io.out << j.dump(2) << "\n";
        } else {
            if (budget.active())
                io.out << budget.describe(chosen, eo, image.bgr);
            io.out << "wrote " << out << "\n"
                   << b.total << " bytes, " << Report::fixed(enc.file.bpp(), 4) << " bpp (edges " << b.edges
                   << ", caption " << b.caption << ", hint " << b.hint << ", container " << b.container << ")\n"
                   << "PSNR " << Report::fixed(psnr, 2) << " dB, SSIM " << Report::fixed(ssim, 4) << ", MS-SSIM "
                   << Report::fixed(ms, 4) << ", NIQE " << niqe_report::text(niqe) << "\n"
                   << "encode " << Report::fixed(encodeSeconds * 1000, 1) << " ms, decode "
                   << Report::fixed(o.seconds, 2) << " s on " << decoder.deviceName() << "\n";
        }
        return int(kOk);
    });
}

int GenerateCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "generate --caption TEXT --size WxH -o OUT.png [decode options]",
                  "Decodes from the caption alone (no edges, no hint): text to image with the same model.");
    parser.addOption({{"o", "output"}, "Output image (.png, ...).", "OUT"});
    parser.addOption({"size", "Image size WxH (default 512x512).", "WxH", "512x512"});
    parser.addOption({"control-image", "Stable Diffusion with a ControlNet: a control image used as given (white lines "
                                       "on black, as diffusers' ControlNet pipeline takes it; resized to the working "
                                       "size).", "EDGES.png"});
    Options::addCaptionOptions(parser);
    DecodeSupport::addOptions(parser);
    parser.addOption({"json", "Print the result as JSON."});
    if (!Options::parse(parser, "generate", args, io))
        return kOk;
    Options::positional(parser, 0, "no positional arguments");
    if (!parser.isSet("output"))
        throw Error("missing -o OUT.png");
    const std::string caption = Options::captionText(parser);
    if (caption.empty())
        throw Error("missing --caption TEXT");
    const auto m = QRegularExpression("^(\\d{1,5})x(\\d{1,5})$").match(parser.value("size"));
    if (!m.hasMatch())
        throw Error("invalid value for --size: '" + parser.value("size").toStdString() + "' (expected WxH, e.g. 512x512)");
    const int w = m.captured(1).toInt(), h = m.captured(2).toInt();
    const std::string out = parser.value("output").toStdString();
    DecodeRequest request = DecodeSupport::request(parser);
    if (parser.isSet("control-image"))
        request.controlImage = ImageIO::load(parser.value("control-image").toStdString()).bgr;
    Decoder decoder(DecodeSupport::modelPath(parser), DecodeSupport::device(parser), DecodeSupport::controlnetPath(parser),
                    DecodeSupport::loadPrinter(io));
    const auto progress = DecodeSupport::progressPrinter(parser, io);
    return interruptible(name(), io, [&](const std::atomic<bool>* cancel) {
        const DecodeOutcome o = decoder.generate(caption, w, h, request, progress, cancel);
        ImageIO::save(out, o.image);
        if (parser.isSet("json"))
            io.out << nlohmann::json{{"width", w}, {"height", h}, {"seconds", o.seconds},
                                     {"settings", Report::decodeSettingsJson(o.settings, false)}, {"output", out}}
                          .dump(2)
                   << "\n";
        else
            io.out << "wrote " << out << " (" << w << "x" << h << ") in " << Report::fixed(o.seconds, 2) << " s\n";
        return int(kOk);
    });
}

}  // namespace sem::cli

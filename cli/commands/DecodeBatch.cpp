#include "cli/commands/DecodeBatch.h"

#include <QFileInfo>

#include "cli/DecodeSupport.h"
#include "cli/Report.h"
#include "cli/Options.h"
#include "cli/batch/BatchRunner.h"
#include "cli/batch/DecodeGrouper.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/Encoder.h"

namespace sem::cli {
namespace {

std::uint64_t fileSize(const QString& path)
{
    return static_cast<std::uint64_t>(std::max<qint64>(0, QFileInfo(path).size()));
}

QStringList inputsOf(const QCommandLineParser& parser, const char* what)
{
    const QStringList inputs = parser.positionalArguments();
    if (inputs.isEmpty())
        throw Error(std::string("expected ") + what + ", folders or @lists");
    return inputs;
}

}  // namespace

int DecodeBatch::decode(const QCommandLineParser& parser, Io& io)
{
    const QStringList inputs = inputsOf(parser, ".sem files");
    const BatchOptions batch = BatchOptions::read(parser, 1, 1);
    DecodeRequest request = DecodeSupport::request(parser);
    if (parser.isSet("batch-images"))
        request.batchImages = static_cast<int>(Options::toInt(parser, "batch-images", 0, 64));
    const std::vector<BatchItem> items = batch.items(inputs, parser.value("output"), ".png", {"sem"});
    Decoder decoder(DecodeSupport::modelPath(parser), DecodeSupport::device(parser),
                    DecodeSupport::controlnetPath(parser), DecodeSupport::loadPrinter(io));
    const std::string device = decoder.deviceName();
    DecodeGrouper groups(decoder, request, items, batch.overwrite);
    BatchRunner runner("decode", io);
    const BatchReport report = runner.run(items, batch, [&](const BatchItem& item, const std::atomic<bool>* cancel) {
        const auto index = static_cast<std::size_t>(&item - items.data());
        const SemFile file = groups.load(index);
        const DecodeOutcome d = groups.decode(index, file, cancel);
        ImageIO::save(item.output.toStdString(), d.image);
        BatchOutcome o;
        o.bytesIn = fileSize(item.input);
        o.bytesOut = fileSize(item.output);
        o.bpp = file.bpp();
        o.seconds = d.seconds;
        o.extra = {{"width", file.width}, {"height", file.height}, {"device", device},
                   {"settings", Report::decodeSettingsJson(d.settings)}, {"batch", groups.groupSize(index)}};
        if (!d.warnings.empty())
            o.extra["warnings"] = d.warnings;
        return o;
    });
    return BatchRunner::finish(report, batch, io);
}

int DecodeBatch::roundtrip(const QCommandLineParser& parser, EncodeOptions eo, const RateBudget& budget, Io& io)
{
    const QStringList inputs = inputsOf(parser, "images");
    if (parser.isSet("sem"))
        throw Error("--sem names one file; in batch mode run semc encode IN... -o DIR, then semc decode");
    const BatchOptions batch = BatchOptions::read(parser, 1, 1);
    const DecodeRequest request = DecodeSupport::request(parser);
    const std::vector<BatchItem> items =
        batch.items(inputs, parser.value("output"), ".png", BatchInputs::imageSuffixes());
    Decoder decoder(DecodeSupport::modelPath(parser), DecodeSupport::device(parser),
                    DecodeSupport::controlnetPath(parser), DecodeSupport::loadPrinter(io));
    eo.modelId = decoder.modelId32();
    eo.decode = Decoder::resolve(DecodeSettings{}, request, decoder.settingsFamily());
    const std::string device = decoder.deviceName();
    BatchRunner runner("roundtrip", io);
    const BatchReport report = runner.run(items, batch, [&](const BatchItem& item, const std::atomic<bool>* cancel) {
        const LoadedImage image = ImageIO::load(item.input.toStdString());
        const EncodeResult enc = budget.encode(image.bgr, eo).result;  // the default rate, or --target-bpp
        const DecodeOutcome d = decoder.decode(enc.file, request, {}, cancel);
        ImageIO::save(item.output.toStdString(), d.image);
        BatchOutcome o;
        o.bytesIn = fileSize(item.input);
        o.bytesOut = enc.file.breakdown().total;  // the .sem's size: what the image costs
        o.bpp = enc.file.bpp();
        o.psnr = metrics::psnr(image.bgr, d.image);
        o.ssim = metrics::ssim(image.bgr, d.image);
        o.extra = {{"ms_ssim", metrics::msSsim(image.bgr, d.image)}, {"width", enc.file.width},
                   {"height", enc.file.height}, {"decode_seconds", d.seconds}, {"device", device}};
        if (!d.warnings.empty())
            o.extra["warnings"] = d.warnings;
        return o;
    });
    return BatchRunner::finish(report, batch, io);
}

}  // namespace sem::cli

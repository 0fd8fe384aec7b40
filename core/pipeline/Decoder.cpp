#include "core/pipeline/Decoder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <chrono>
#include <cstdlib>
#include <opencv2/imgproc.hpp>

#include "core/common/Cancelled.h"
#include "core/common/Error.h"
#include "diffusion/BackendFactory.h"
#include "diffusion/DiffusionError.h"

namespace sem {
namespace {

diffusion::SamplerKind toKind(DecodeSettings::Sampler s)
{
    switch (s) {
    case DecodeSettings::Ddpm: return diffusion::SamplerKind::Ddpm;
    case DecodeSettings::Ddim: return diffusion::SamplerKind::Ddim;
    case DecodeSettings::DpmPp2M: return diffusion::SamplerKind::DpmPp2M;
    }
    return diffusion::SamplerKind::DpmPp2M;
}

cv::Mat toBgr(const diffusion::ImageRgb& img)
{
    cv::Mat rgb(img.height, img.width, CV_8UC3, const_cast<std::uint8_t*>(img.rgb.data()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

diffusion::ImageRgb toRgb(const cv::Mat& bgr)
{
    diffusion::ImageRgb out;
    out.width = bgr.cols;
    out.height = bgr.rows;
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    out.rgb.assign(rgb.data, rgb.data + rgb.total() * 3);
    return out;
}

}  // namespace

Decoder::Decoder(const std::string& modelPath, const std::string& device, const std::string& controlnet)
{
    diffusion::BackendOptions options;
    options.controlnet = controlnet;
    options.clipVocabulary = ModelLocator::clipVocabularyPath();
    backend_ = diffusion::openBackend(modelPath.empty() ? ModelLocator::defaultModelPath() : modelPath, device, options);
}

Decoder::~Decoder() = default;

std::string Decoder::modelId() const { return backend_->modelId(); }

std::uint32_t Decoder::modelId32() const
{
    return static_cast<std::uint32_t>(std::stoul(backend_->modelId().substr(0, 8), nullptr, 16));
}

std::string Decoder::deviceName() const { return backend_->deviceName(); }

std::string Decoder::family() const { return backend_->family(); }

std::int64_t Decoder::parameterCount() const { return backend_->parameterCount(); }

DecodeSettings Decoder::resolve(const DecodeSettings& recorded, const DecodeRequest& r)
{
    DecodeSettings s = recorded.present ? recorded : DecodeSettings{};
    s.present = true;
    if (!recorded.present) {
        s.sampler = DecodeSettings::DpmPp2M;
        s.steps = 20;
        s.guidanceTenths = 20;
        s.etaHundredths = 0;
        s.seed = 0;
        s.fidelity = false;
        s.strengthPercent = kDefaultStrengthPercent;
    }
    if (r.sampler)
        s.sampler = *r.sampler;
    if (r.steps)
        s.steps = static_cast<std::uint32_t>(*r.steps);
    if (r.eta)
        s.etaHundredths = static_cast<std::uint32_t>(*r.eta * 100.0f + 0.5f);
    if (r.guidance)
        s.guidanceTenths = static_cast<std::uint32_t>(*r.guidance * 10.0f + 0.5f);
    if (r.seed)
        s.seed = *r.seed;
    if (r.strength) {
        if (!(*r.strength > 0.0f && *r.strength <= 1.0f))
            throw Error("decode: strength must be greater than 0 and at most 1");
        s.strengthPercent = DecodeSettings::toStrengthPercent(*r.strength);
    }
    if (r.fidelity)
        s.fidelity = true;
    if (s.fidelity)
        s.strengthPercent = 100;  // unused by a fidelity decode: its record spends no byte on it
    if (s.steps < 1 || s.steps > 1000)
        throw Error("decode: steps must be 1..1000");
    if (s.guidanceTenths > 300)
        throw Error("decode: guidance must be 0..30");
    if (s.etaHundredths > 100)
        throw Error("decode: eta must be 0..1");
    return s;
}

DecodeOutcome Decoder::decode(const SemFile& file, const DecodeRequest& request, const DecodeProgressFn& progress,
                              const std::atomic<bool>* cancel)
{
    std::vector<std::string> warnings;
    if (file.modelId != 0 && file.modelId != modelId32()) {
        char want[9], have[9];
        std::snprintf(want, sizeof want, "%08x", file.modelId);
        std::snprintf(have, sizeof have, "%08x", modelId32());
        const std::string msg = std::string("the file was made for decoder model ") + want + ", the loaded model is "
            + have + "; the reconstruction will differ";
        if (!request.force)
            throw Error("decode: " + msg + " (use --force to decode anyway)");
        warnings.push_back(msg);
    }
    const DecodedStreams streams = StreamDecoder::decode(file);
    DecodeOutcome out = run(streams, file.width, file.height, resolve(file.decode, request), request.previewEvery,
                            progress, cancel);
    out.warnings.insert(out.warnings.begin(), warnings.begin(), warnings.end());
    return out;
}

DecodeOutcome Decoder::generate(const std::string& caption, int width, int height, const DecodeRequest& request,
                                const DecodeProgressFn& progress, const std::atomic<bool>* cancel)
{
    if (width < 8 || height < 8 || width > SemFile::kMaxSide || height > SemFile::kMaxSide)
        throw Error("generate: size must be 8..16384 on each side");
    DecodedStreams streams;
    streams.caption = caption;
    return run(streams, width, height, resolve(DecodeSettings{}, request), request.previewEvery, progress, cancel);
}

DecodeOutcome Decoder::run(const DecodedStreams& streams, int width, int height, const DecodeSettings& s,
                           int previewEvery, const DecodeProgressFn& progress, const std::atomic<bool>* cancel)
{
    diffusion::Conditions c;
    c.width = width;
    c.height = height;
    if (!streams.edges.empty()) {
        const cv::Mat map = streams.edges.combined();
        c.mapWidth = map.cols;
        c.mapHeight = map.rows;
        c.scaleDenominator = streams.edges.scaleDenominator;
        c.edges.assign(map.data, map.data + map.total());
    }
    if (!streams.hintUpsampled.empty())
        c.hint = toRgb(streams.hintUpsampled);
    c.caption = streams.caption;

    diffusion::SamplerSettings ss;
    ss.sampler = toKind(s.sampler);
    ss.steps = static_cast<int>(s.steps);
    ss.eta = static_cast<float>(s.etaHundredths) / 100.0f;
    ss.guidance = static_cast<float>(s.guidanceTenths) / 10.0f;
    ss.seed = s.seed;
    ss.fidelity = s.fidelity;
    ss.strength = static_cast<float>(s.strengthPercent) / 100.0f;

    diffusion::PreviewCallback cb;
    if (progress)
        cb = [&](const diffusion::Progress& p, const diffusion::ImageRgb* x0) {
            DecodeProgress d;
            d.step = p.step;
            d.total = p.total;
            d.elapsedSeconds = p.elapsedSeconds;
            if (x0)
                d.preview = toBgr(*x0);
            progress(d);
        };
    const auto t0 = std::chrono::steady_clock::now();
    diffusion::ImageRgb img;
    try {
        img = backend_->decode(c, ss, cb, previewEvery, cancel);
    } catch (const diffusion::Cancelled&) {
        throw Cancelled();
    }
    DecodeOutcome out;
    out.image = toBgr(img);
    out.settings = s;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

std::string ModelLocator::defaultModelPath()
{
    if (const char* env = std::getenv("SEMCOMPRESS_MODEL"); env && *env)
        return env;
    const QString dir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QDir::currentPath();
    const QString installed = QDir(dir).absoluteFilePath("../share/semcompress/models/default");
    if (QFileInfo::exists(installed + "/model.safetensors"))
        return QDir::cleanPath(installed).toStdString();
    throw Error("no default decoder model found (looked in " + QDir::cleanPath(installed).toStdString()
                + " and $SEMCOMPRESS_MODEL); pass --model DIR");
}

std::string ModelLocator::clipVocabularyPath()
{
    if (const char* env = std::getenv("SEMCOMPRESS_CLIP_VOCAB"); env && *env)
        return env;
    const QString dir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QDir::currentPath();
    const QString installed = QDir(dir).absoluteFilePath("../share/semcompress/models/clip/bpe_simple_vocab_16e6.txt.gz");
    return QFileInfo::exists(installed) ? QDir::cleanPath(installed).toStdString() : std::string();
}

}  // namespace sem

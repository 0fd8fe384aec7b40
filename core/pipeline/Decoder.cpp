#include "core/pipeline/Decoder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/common/Cancelled.h"
#include "core/common/Error.h"
#include "core/pipeline/DecodeConversion.h"
#include "diffusion/engine/BackendFactory.h"
#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/BuiltinEngine.h"
#include "diffusion/builtin/PeakMemory.h"
#include "diffusion/sd/SdBackend.h"

#ifdef _WIN32
#define NOMINMAX
#include <windows.h>  // GlobalMemoryStatusEx
#else
#include <unistd.h>  // sysconf
#endif

namespace sem {
namespace {

// This machine's physical memory in bytes (0 when unknown).
std::uint64_t physicalMemoryBytes()
{
#ifdef _WIN32
    MEMORYSTATUSEX status;
    status.dwLength = sizeof status;
    return GlobalMemoryStatusEx(&status) ? static_cast<std::uint64_t>(status.ullTotalPhys) : 0;
#else
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && pageSize > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(pageSize) : 0;
#endif
}

std::string gigabytes(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
    return text;
}

}  // namespace

void Decoder::planMemory(int width, int height, const DecodeSettings& s, const DecodeRequest& request, int images)
{
    std::uint64_t limit = request.memoryLimitBytes;
    const bool byDefault = limit == 0;
    if (byDefault)
        limit = physicalMemoryBytes() / 4 * 3;
    if (limit == 0)
        return;
    const std::string limitText =
        gigabytes(limit) + (byDefault ? " (three quarters of this machine's memory)" : "");
    if (const auto* sd = dynamic_cast<const diffusion::sd::SdBackend*>(backend_.get())) {
        // Stable Diffusion decodes at a working size: its attention grows with the square of it.
        const std::uint64_t need = sd->peakBytes(width, height, static_cast<int>(s.workSize));
        if (need > limit)
            throw Error("decode: Stable Diffusion at a working size of " + std::to_string(s.workSize) +
                        " px (longest side) needs about " + gigabytes(need) + ", over the memory limit of " +
                        limitText + "; a smaller --work-size needs less, --memory-limit GB raises the limit");
        return;
    }
    auto* builtin = dynamic_cast<diffusion::BuiltinEngine*>(backend_.get());
    if (!builtin)
        return;
    using diffusion::BuiltinPeakMemory;
    const diffusion::ModelConfig& cfg = builtin->card().config;
    const float g = s.fidelity ? 1.0f : static_cast<float>(s.guidanceTenths) / 10.0f;
    const int batch = ((g != 0.0f ? 1 : 0) + (g != 1.0f ? 1 : 0)) * std::max(1, images);
    const int bytesPerValue = 4;
    const std::uint64_t planes = BuiltinPeakMemory::planeBytes(cfg, width, height, batch) + BuiltinPeakMemory::kBaseBytes;
    const std::uint64_t activations = static_cast<std::uint64_t>(
        BuiltinPeakMemory::activationBytesPerPixel(cfg, batch, bytesPerValue)
        * static_cast<double>(BuiltinPeakMemory::paddedPixels(cfg, width, height)));
    const std::uint64_t smallest = BuiltinPeakMemory::smallestTileBytes(cfg, batch, bytesPerValue);
    if (planes + smallest > limit) {
        const std::uint64_t need = planes + std::min(activations, BuiltinPeakMemory::kDefaultActivationBudget);
        char megapixels[32];
        std::snprintf(megapixels, sizeof megapixels, "%.1f", static_cast<double>(width) * height / 1e6);
        throw Error(std::string("decode: ") + megapixels + " megapixels (" + std::to_string(width) + "x"
                    + std::to_string(height) + ") need about " + gigabytes(need) + ", over the memory limit of "
                    + limitText
                    + "; --memory-limit GB raises it, a smaller image needs less");
    }
    // The network tiles within what the planes leave (the engine's default budget at most, so that a
    // decode that fits is tiled the same on every machine).
    builtin->setMemoryBudgetBytes(std::min(BuiltinPeakMemory::kDefaultActivationBudget, limit - planes));
}

Decoder::Decoder(const std::string& modelPath, const std::string& device, const std::string& controlnet,
                 const LoadProgressFn& loadProgress, const std::atomic<bool>* cancel)
{
    diffusion::BackendOptions options;
    options.controlnet = controlnet;
    options.clipVocabulary = ModelLocator::clipVocabularyPath();
    if (loadProgress)
        options.loadProgress = [loadProgress](const diffusion::LoadProgress& p) { loadProgress(p.part, p.index, p.count); };
    options.cancel = cancel;
    try {
        backend_ = diffusion::openBackend(modelPath.empty() ? ModelLocator::defaultModelPath() : modelPath, device,
                                          options);
    } catch (const diffusion::Cancelled&) {
        throw Cancelled();
    }
}

DecodeSettings::Family Decoder::modelFamily(const std::string& modelPath)
{
    const std::string path = modelPath.empty() ? ModelLocator::defaultModelPath() : modelPath;
    return diffusion::detectModelFamily(path) == diffusion::ModelFamily::StableDiffusion1 ? DecodeSettings::StableDiffusion1
                                                                                          : DecodeSettings::BuiltIn;
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

DecodeSettings::Family Decoder::settingsFamily() const
{
    return backend_->family() == "sd1" ? DecodeSettings::StableDiffusion1 : DecodeSettings::BuiltIn;
}

DecodeSettings Decoder::resolve(const DecodeSettings& recorded, const DecodeRequest& r, DecodeSettings::Family family)
{
    const bool sd = family == DecodeSettings::StableDiffusion1;
    // A record for another family (a file decoded with --force by another model) is not used.
    const bool useRecord = recorded.present && recorded.family == family;
    DecodeSettings s = useRecord ? recorded : DecodeSettings{};
    s.present = true;
    s.family = family;
    if (!useRecord) {
        s.sampler = DecodeSettings::DpmPp2M;
        s.steps = 20;
        s.guidanceTenths = sd ? 75 : 20;
        s.etaHundredths = 0;
        s.seed = 0;
        s.fidelity = false;
        s.strengthPercent = sd ? kDefaultSdStrengthPercent : kDefaultStrengthPercent;
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
    const bool sdOption = r.controlScale || r.workSize || r.colourFix || r.karras || !r.negativePrompt.empty()
        || !r.initialLatents.empty() || !r.controlImage.empty();
    if (!sd && sdOption)
        throw Error("decode: the control scale, working size, colour fix, Karras, negative prompt, latents and "
                    "control image options are for a Stable Diffusion model");
    if (sd) {
        if (s.fidelity)
            throw Error("decode: the fidelity decode is the built-in model's; a Stable Diffusion decode is sampled");
        if (s.sampler == DecodeSettings::Ddpm)
            throw Error("decode: a Stable Diffusion model samples with ddim, euler, euler_a or dpmpp2m, not ddpm");
        if (r.controlScale) {
            if (!(*r.controlScale >= 0.0f && *r.controlScale <= 5.0f))
                throw Error("decode: the control scale must be 0..5");
            s.controlScaleHundredths = static_cast<std::uint32_t>(std::lround(*r.controlScale * 100.0f));
        }
        if (r.workSize) {
            if (*r.workSize < 64 || *r.workSize > 2048)
                throw Error("decode: the working size must be 64..2048");
            s.workSize = static_cast<std::uint32_t>((*r.workSize + 4) / 8 * 8);
        }
        if (r.colourFix)
            s.colourFix = *r.colourFix;
        if (r.karras)
            s.karras = *r.karras;
    } else if (s.sampler == DecodeSettings::Euler || s.sampler == DecodeSettings::EulerAncestral) {
        throw Error("decode: the built-in model samples with ddpm, ddim or dpmpp2m; euler and euler_a are for "
                    "Stable Diffusion models");
    }
    if (s.steps < 1 || s.steps > 1000)
        throw Error("decode: steps must be 1..1000");
    if (s.guidanceTenths > 300)
        throw Error("decode: guidance must be 0..30");
    if (s.etaHundredths > 100)
        throw Error("decode: eta must be 0..1");
    return s;
}

std::vector<std::string> Decoder::checkModel(const SemFile& file, const DecodeRequest& request) const
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
    return warnings;
}

DecodeOutcome Decoder::decode(const SemFile& file, const DecodeRequest& request, const DecodeProgressFn& progress,
                              const std::atomic<bool>* cancel)
{
    const std::vector<std::string> warnings = checkModel(file, request);
    const DecodeSettings settings = resolve(file.decode, request, settingsFamily());
    planMemory(file.width, file.height, settings, request);  // before anything image-sized
    const DecodedStreams streams = StreamDecoder::decode(file);
    DecodeOutcome out = run(streams, file.width, file.height, settings, request, progress, cancel);
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
    const DecodeSettings settings = resolve(DecodeSettings{}, request, settingsFamily());
    planMemory(width, height, settings, request);
    return run(streams, width, height, settings, request, progress, cancel);
}

DecodeOutcome Decoder::run(const DecodedStreams& streams, int width, int height, const DecodeSettings& s,
                           const DecodeRequest& request, const DecodeProgressFn& progress,
                           const std::atomic<bool>* cancel)
{
    diffusion::Conditions c = decodeconversion::conditions(streams, width, height);
    decodeconversion::addControlImage(c, request);
    const diffusion::SamplerSettings ss = decodeconversion::samplerSettings(s, request);
    const diffusion::PreviewCallback cb = decodeconversion::previewCallback(progress);
    const auto t0 = std::chrono::steady_clock::now();
    diffusion::ImageRgb img;
    try {
        img = backend_->decode(c, ss, cb, request.previewEvery, cancel);
    } catch (const diffusion::Cancelled&) {
        throw Cancelled();
    }
    DecodeOutcome out;
    out.image = decodeconversion::toBgr(img);
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

// Decoder's batch decodes: files of one size and settings through one network evaluation per step.
#include <algorithm>
#include <chrono>

#include "core/common/Cancelled.h"
#include "core/common/Error.h"
#include "core/pipeline/DecodeConversion.h"
#include "core/pipeline/Decoder.h"
#include "diffusion/Backend.h"
#include "diffusion/DiffusionError.h"

namespace sem {
namespace {

constexpr int kMostImages = 64;  // what the engine takes in one batch

bool onCuda(const std::string& device)
{
    return device.rfind("cuda", 0) == 0;
}

}  // namespace

int Decoder::batchRoom(const SemFile& file, const DecodeRequest& request)
{
    if (request.batchImages < 0)
        throw Error("decode: the images per batch must be 0 (automatic) or more");
    if (request.batchImages == 1 || (request.batchImages == 0 && !onCuda(deviceName())))
        return 1;
    const DecodeSettings s = resolve(file.decode, request, settingsFamily());
    const diffusion::SamplerSettings ss = decodeconversion::samplerSettings(s, request);
    int images = std::min(request.batchImages > 0 ? request.batchImages : kMostImages, kMostImages);
    // The engine's activation budget depends on what the full-size planes of `images` leave.
    while (images > 1) {
        try {
            planMemory(file.width, file.height, s, request, images);
        } catch (const Error&) {
            images /= 2;
            continue;
        }
        const int fits = backend_->batchCapacity(file.width, file.height, ss);
        if (fits >= images)
            return images;
        images = std::max(1, fits);
    }
    planMemory(file.width, file.height, s, request);
    return 1;
}

bool Decoder::batchable(const SemFile& a, const SemFile& b, const DecodeRequest& request) const
{
    if (a.width != b.width || a.height != b.height || a.hint.has_value() != b.hint.has_value())
        return false;
    try {
        DecodeSettings sa = resolve(a.decode, request, settingsFamily());
        DecodeSettings sb = resolve(b.decode, request, settingsFamily());
        sa.seed = sb.seed = 0;
        return sa == sb;
    } catch (const Error&) {
        return false;  // the file's own decode reports what is wrong with it
    }
}

std::vector<DecodeOutcome> Decoder::decodeBatch(const std::vector<const SemFile*>& files, const DecodeRequest& request,
                                                const std::atomic<bool>* cancel, const DecodeProgressFn& progress)
{
    if (files.empty())
        return {};
    if (files.size() == 1)
        return {decode(*files.front(), request, progress, cancel)};
    if (static_cast<int>(files.size()) > kMostImages)
        throw Error("decode: a batch holds at most " + std::to_string(kMostImages) + " images");
    const SemFile& first = *files.front();
    std::vector<std::vector<std::string>> warnings;
    std::vector<DecodeSettings> settings;
    for (const SemFile* f : files) {
        warnings.push_back(checkModel(*f, request));
        if (!batchable(first, *f, request))
            throw Error("decode: the files of a batch must have the same size and decode settings");
        settings.push_back(resolve(f->decode, request, settingsFamily()));
    }
    planMemory(first.width, first.height, settings.front(), request, static_cast<int>(files.size()));
    std::vector<diffusion::Conditions> conditions;
    std::vector<std::uint64_t> seeds;
    for (std::size_t i = 0; i < files.size(); ++i) {
        conditions.push_back(decodeconversion::conditions(StreamDecoder::decode(*files[i]), first.width, first.height));
        seeds.push_back(settings[i].seed);
    }
    std::vector<const diffusion::Conditions*> pointers;
    for (const diffusion::Conditions& c : conditions)
        pointers.push_back(&c);
    const diffusion::PreviewCallback cb = decodeconversion::previewCallback(progress);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<diffusion::ImageRgb> images;
    try {
        images = backend_->decodeBatch(pointers, decodeconversion::samplerSettings(settings.front(), request), seeds,
                                       cb, progress ? request.previewEvery : 0, cancel);
    } catch (const diffusion::Cancelled&) {
        throw Cancelled();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<DecodeOutcome> outcomes(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        outcomes[i].image = decodeconversion::toBgr(images[i]);
        outcomes[i].settings = settings[i];
        outcomes[i].warnings = warnings[i];
        outcomes[i].seconds = seconds / static_cast<double>(files.size());
    }
    return outcomes;
}

}  // namespace sem

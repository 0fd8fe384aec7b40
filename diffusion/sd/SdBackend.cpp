#include "diffusion/sd/SdBackend.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include <torch/torch.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/common/ColourFix.h"
#include "diffusion/common/Device.h"
#include "diffusion/common/GaussianNoise.h"
#include "diffusion/sd/ControlImage.h"
#include "diffusion/sd/LatentPreview.h"
#include "diffusion/sd/SdPipeline.h"
#include "diffusion/sd/SdLoader.h"

namespace sem::diffusion::sd {

namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

constexpr int kMaxSide = 16384;
constexpr int kMaxWorkSize = 2048;

torch::Tensor rgbToTensor(const ImageRgb& image) {
    return torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()), {image.height, image.width, 3}, torch::kUInt8)
        .permute({2, 0, 1})
        .unsqueeze(0)
        .to(torch::kFloat)
        .div(255.0);
}

ImageRgb tensorToRgb(const torch::Tensor& image01) {
    const torch::Tensor pixels =
        (image01[0] * 255.0).round().clamp(0, 255).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
    ImageRgb out;
    out.height = static_cast<int>(pixels.size(0));
    out.width = static_cast<int>(pixels.size(1));
    out.rgb.assign(pixels.data_ptr<std::uint8_t>(), pixels.data_ptr<std::uint8_t>() + pixels.numel());
    return out;
}

torch::Tensor resize(const torch::Tensor& image, int width, int height, bool smooth) {
    if (image.size(2) == height && image.size(3) == width)
        return image;
    auto options = F::InterpolateFuncOptions().size(std::vector<std::int64_t>{height, width});
    if (smooth)
        options.mode(torch::kBicubic).align_corners(false);
    else
        options.mode(torch::kNearest);
    return F::interpolate(image, options);
}

SamplerKind samplerOf(diffusion::SamplerKind kind) {
    switch (kind) {
    case diffusion::SamplerKind::Ddim: return SamplerKind::Ddim;
    case diffusion::SamplerKind::Euler: return SamplerKind::Euler;
    case diffusion::SamplerKind::EulerAncestral: return SamplerKind::EulerAncestral;
    case diffusion::SamplerKind::DpmPp2M: return SamplerKind::DpmPp2M;
    case diffusion::SamplerKind::Ddpm: break;
    }
    throw Error("sampler: Stable Diffusion samples with DDIM, Euler, Euler ancestral or DPM++ 2M, not DDPM.");
}

void validate(const Conditions& c, const SamplerSettings& s) {
    if (c.width < 1 || c.height < 1 || c.width > kMaxSide || c.height > kMaxSide)
        throw Error("conditions: the output size is outside 1..16384.");
    if (!c.edges.empty() &&
        c.edges.size() != static_cast<std::size_t>(c.mapWidth) * static_cast<std::size_t>(std::max(0, c.mapHeight)))
        throw Error("conditions: the edge map's size does not match its bytes.");
    if (c.hint && (c.hint->width != c.width || c.hint->height != c.height ||
                   c.hint->rgb.size() != static_cast<std::size_t>(c.width) * static_cast<std::size_t>(c.height) * 3))
        throw Error("conditions: the hint must be upsampled to the output size.");
    if (c.controlImage && (c.controlImage->width < 1 || c.controlImage->height < 1 ||
                           c.controlImage->rgb.size() != static_cast<std::size_t>(c.controlImage->width) *
                                                             static_cast<std::size_t>(c.controlImage->height) * 3))
        throw Error("conditions: the control image has the wrong number of bytes.");
    if (s.fidelity)
        throw Error("sampler: the fidelity decode is the built-in model's; Stable Diffusion decodes are sampled.");
    if (!std::isfinite(s.strength) || s.strength <= 0.0f || s.strength > 1.0f)
        throw Error("sampler: strength must be greater than 0 and at most 1.");
    if (s.sd.workSize < 64 || s.sd.workSize > kMaxWorkSize)
        throw Error("sampler: the working size must be 64..2048 pixels.");
    if (!std::isfinite(s.eta) || s.eta < 0.0f || s.eta > 1.0f)
        throw Error("sampler: eta must be in 0..1.");
}

}  // namespace

SdBackend::SdBackend(const SdModelParts& parts, const std::string& device, const std::string& clipVocabulary,
                     const LoadCallback& progress, const std::atomic<bool>* cancel)
    : parts_(parts) {
    const torch::Device target = resolveDevice(device);
    std::unique_ptr<SdModules> modules = loadSdModules(parts_, clipVocabulary, progress, cancel);
    modelId_ = parts_.modelId();
    if (target.is_cpu())
        at::set_num_threads(defaultCpuThreads());
    // CUDA: half-precision weights and activations; the CPU: float32 (fp16 files converted on load).
    const torch::ScalarType dtype = target.is_cuda() ? torch::kHalf : torch::kFloat;
    for (torch::nn::Module* module : std::initializer_list<torch::nn::Module*>{
             modules->text.get(), modules->unet.get(), modules->vae.get(), modules->controlnet.get()}) {
        if (module) {
            module->to(target, dtype);
            module->eval();
        }
    }
    device_ = target.str();
    modules_ = std::move(modules);
}

SdBackend::~SdBackend() = default;

std::string SdBackend::deviceName() const { return device_; }

bool SdBackend::hasControlNet() const { return !modules_->controlnet.is_empty(); }

bool SdBackend::vaeTiled(std::int64_t h, std::int64_t w) const {
    return modules_->vae->decodeBytes(h, w) > memoryBudget_;
}

std::uint64_t SdBackend::peakBytes(int width, int height, int workSize) const {
    const auto [w, h] = workingSize(width, height, workSize);
    const int f = modules_->vae->downsamplingFactor();
    const std::uint64_t value = device_.rfind("cuda", 0) == 0 ? 2 : 4;
    const std::uint64_t weights = static_cast<std::uint64_t>(parameterCount()) * value;
    const std::uint64_t tokens = static_cast<std::uint64_t>(w / f) * static_cast<std::uint64_t>(h / f);
    const UNetConfig& u = modules_->unet->config();
    const std::uint64_t batch = 2;  // guided
    // The finest level with attention: its self-attention scores and their softmax, one head group
    // at a time (UNetBlocks: at least one head, at most 2^26 elements per group).
    std::uint64_t attention = 0;
    for (std::size_t i = 0; i < u.crossAttentionDown.size(); ++i)
        if (u.crossAttentionDown[i]) {
            const std::uint64_t n = tokens >> (2 * i);
            attention = 2 * std::max<std::uint64_t>(n * n, std::uint64_t{1} << 26) * value;
            break;
        }
    // Skip connections of the UNet and the ControlNet's residuals, and a few working tensors.
    std::uint64_t skips = 0;
    for (std::size_t i = 0; i < u.blockOutChannels.size(); ++i)
        skips += static_cast<std::uint64_t>(u.layersPerBlock + 1) * static_cast<std::uint64_t>(u.blockOutChannels[i]) *
                 (tokens >> (2 * i));
    const std::uint64_t unet = attention + batch * value * (2 * skips + 4 * tokens * u.blockOutChannels.front());
    std::uint64_t vae = modules_->vae->decodeBytes(h / f, w / f);
    if (vaeTiled(h / f, w / f)) {  // one tile at a time
        const std::int64_t tile = modules_->vae->config().sampleSize / f;
        vae = modules_->vae->decodeBytes(tile, tile);
    }
    return weights + std::max(unet, vae) + (std::uint64_t{1} << 30);
}

std::int64_t SdBackend::parameterCount() const {
    std::int64_t n = 0;
    for (const torch::nn::Module* module : std::initializer_list<const torch::nn::Module*>{
             modules_->text.get(), modules_->unet.get(), modules_->vae.get(), modules_->controlnet.get()})
        if (module)
            for (const auto& p : module->parameters())
                n += p.numel();
    return n;
}

ImageRgb SdBackend::decode(const Conditions& c, const SamplerSettings& s, const PreviewCallback& callback,
                           int previewEvery, const std::atomic<bool>* cancel) {
    validate(c, s);
    const auto started = std::chrono::steady_clock::now();
    stats_ = DecodeStats{};
    c10::InferenceMode inferenceMode;
    const auto [width, height] = workingSize(c.width, c.height, s.sd.workSize);
    SdRequest r;
    r.width = width;
    r.height = height;
    r.prompt = c.caption;
    r.negativePrompt = s.sd.negativePrompt;
    r.sampler = samplerOf(s.sampler);
    if (r.sampler == SamplerKind::Ddim)
        r.samplerOptions.eta = s.eta;
    if (r.sampler == SamplerKind::Euler || r.sampler == SamplerKind::DpmPp2M)
        r.samplerOptions.karras = s.sd.karras;
    r.steps = s.steps;
    r.guidance = s.guidance;
    r.controlScale = s.sd.controlScale;
    if (hasControlNet()) {
        if (c.controlImage) {
            r.control = resize(rgbToTensor(*c.controlImage), width, height, false);
        } else if (!c.edges.empty()) {
            const ControlImage control =
                prepareControlImage(c.edges, c.mapWidth, c.mapHeight, width, height, ControlPreparation::Linked);
            r.control = torch::from_blob(const_cast<std::uint8_t*>(control.pixels.data()), {1, 1, height, width},
                                         torch::kUInt8)
                            .to(torch::kFloat)
                            .div(255.0)
                            .expand({1, 3, height, width})
                            .contiguous();
        }
    } else if (c.controlImage) {
        throw Error("conditions: a control image needs a ControlNet (--controlnet).");
    }
    torch::Tensor hint;
    if (c.hint)
        hint = resize(rgbToTensor(*c.hint), width, height, true).clamp(0.0, 1.0);
    if (hint.defined() && s.strength < 1.0f) {
        r.image = hint * 2.0 - 1.0;
        r.strength = s.strength;
    }
    const int f = modules_->vae->downsamplingFactor();
    // The VAE in tiles when asked (a tile size) or when the whole image would not fit the budget.
    r.vaeTiling = s.tileSize > 0 || vaeTiled(height / f, width / f);
    const std::vector<std::int64_t> latentShape{1, modules_->unet->config().inChannels, height / f, width / f};
    GaussianNoise rng(s.seed);
    if (!s.sd.initialLatents.empty()) {
        const auto count = static_cast<std::size_t>(latentShape[1] * latentShape[2] * latentShape[3]);
        if (s.sd.initialLatents.size() != count)
            throw Error("sampler: the given latents have " + std::to_string(s.sd.initialLatents.size()) +
                        " values; the working size " + std::to_string(width) + "x" + std::to_string(height) +
                        " needs " + std::to_string(count) + ".");
        r.latents = torch::from_blob(const_cast<float*>(s.sd.initialLatents.data()), latentShape, torch::kFloat).clone();
    } else {
        std::vector<float> values = rng.next(static_cast<std::size_t>(latentShape[1] * latentShape[2] * latentShape[3]));
        r.latents = torch::from_blob(values.data(), latentShape, torch::kFloat).clone();
    }
    r.noise = [&rng](const torch::Tensor& like) {
        std::vector<float> values = rng.next(static_cast<std::size_t>(like.numel()));
        return torch::from_blob(values.data(), like.sizes(), torch::kFloat).clone().to(like.device(), like.scalar_type());
    };
    // diffusers' plain (ControlNet-less) SD pipelines mend an outdated scheduler config.
    const SchedulerConfig mended = withStableDiffusionPipelineFixes(modules_->scheduler);
    if (!r.control.defined())
        r.scheduler = &mended;
    auto hook = [&](int step, int total, const torch::Tensor& x0) {
        ++stats_.networkEvaluations;
        if (!callback)
            return;
        Progress progress;
        progress.step = step;
        progress.total = total + 1;  // the VAE decode is the last step
        progress.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (previewEvery > 0 && (step == 1 || step % previewEvery == 0)) {
            const ImageRgb small = latentToRgbPreview(x0);
            const ImageRgb preview = tensorToRgb(resize(rgbToTensor(small), c.width, c.height, false));
            callback(progress, &preview);
        } else {
            callback(progress, nullptr);
        }
    };
    torch::Tensor image = runSdPipeline(*modules_, r, hook, cancel);
    if (s.sd.colourFix && hint.defined())
        image = waveletColourFix(image, hint).clamp(0.0, 1.0);
    const ImageRgb result = tensorToRgb(resize(image, c.width, c.height, true).clamp(0.0, 1.0));
    stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (callback) {
        Progress progress;
        progress.step = progress.total = stats_.networkEvaluations + 1;
        progress.elapsedSeconds = stats_.seconds;
        callback(progress, &result);
    }
    return result;
}

}  // namespace sem::diffusion::sd

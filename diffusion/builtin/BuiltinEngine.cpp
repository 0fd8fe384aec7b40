#include "diffusion/builtin/BuiltinEngine.h"

#include "diffusion/common/Device.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include <torch/torch.h>

#include "diffusion/builtin/Network.h"
#include "diffusion/common/GaussianNoise.h"
#include "diffusion/common/Tiling.h"
#include "diffusion/builtin/NoiseSchedule.h"
#include "diffusion/builtin/PeakMemory.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/builtin/Sampler.h"
#include "diffusion/builtin/Tokenizer.h"

namespace sem::diffusion {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

class EngineImpl {
public:
    ModelCard card;
    std::unique_ptr<Tokenizer> tokenizer;
    std::unique_ptr<NoiseSchedule> schedule;
    net::DecoderModel model{nullptr};
    torch::Device device{torch::kCPU};
    torch::ScalarType dtype = torch::kFloat;
    std::string modelId;
    std::uint64_t memoryBudget = BuiltinPeakMemory::kDefaultActivationBudget;
    DecodeStats stats;
};

namespace {

constexpr int kMaxSide = 16384;

std::string hex64(std::uint64_t v) {
    char text[17];
    std::snprintf(text, sizeof text, "%016" PRIx64, v);
    return text;
}



std::uint64_t hashOfSerialized(const std::vector<std::uint8_t>& file) {
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | file[static_cast<std::size_t>(i)];
    const auto start = static_cast<std::size_t>(8 + headerLength);
    return fnv1a64(file.data() + start, file.size() - start);
}

void install(EngineImpl& impl, ModelCard card, net::DecoderModel model, torch::Device device, std::string id) {
    if (device.is_cpu())
        at::set_num_threads(defaultCpuThreads());
    // CUDA: half-precision weights and activations (sampler state stays float32). A plain cast is
    // used instead of autocast because the C++ autocast API differs between LibTorch 1.13 and 2.x.
    const torch::ScalarType dtype = device.is_cuda() ? torch::kHalf : torch::kFloat;
    model->to(device, dtype);
    model->eval();
    // CPU: NHWC (channels-last) weights and activations; oneDNN convolutions run about 25% faster
    // than NCHW on this network (measured, docs/bench/diffusion.md).
    if (device.is_cpu()) {
        torch::NoGradGuard noGrad;
        for (auto& p : model->parameters())
            if (p.dim() == 4)
                p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
        model->unet->channelsLast = true;
    }
    impl.tokenizer = std::make_unique<Tokenizer>(card.vocabulary, card.config.maxTokens);
    impl.schedule = std::make_unique<NoiseSchedule>(card.config.timesteps);
    impl.card = std::move(card);
    impl.model = std::move(model);
    impl.device = device;
    impl.dtype = dtype;
    impl.modelId = std::move(id);
}

ImageRgb toImage(const torch::Tensor& x, int width, int height) {
    const torch::Tensor pixels = ((x.narrow(2, 0, height).narrow(3, 0, width)[0].to(torch::kCPU, torch::kFloat) + 1.0) * 127.5)
                                     .round()
                                     .clamp(0, 255)
                                     .to(torch::kUInt8)
                                     .permute({1, 2, 0})
                                     .contiguous();
    ImageRgb image;
    image.width = width;
    image.height = height;
    image.rgb.assign(pixels.data_ptr<std::uint8_t>(), pixels.data_ptr<std::uint8_t>() + pixels.numel());
    return image;
}

void validate(const Conditions& c, const SamplerSettings& s, int timesteps) {
    if (c.width < 1 || c.height < 1 || c.width > kMaxSide || c.height > kMaxSide)
        throw Error("conditions: the output size " + std::to_string(c.width) + "x" + std::to_string(c.height) +
                    " is outside 1..16384.");
    if (!c.edges.empty()) {
        if (c.mapWidth < 1 || c.mapHeight < 1 || c.mapWidth > kMaxSide || c.mapHeight > kMaxSide)
            throw Error("conditions: the edge map size is outside 1..16384.");
        if (c.edges.size() != static_cast<std::size_t>(c.mapWidth) * static_cast<std::size_t>(c.mapHeight))
            throw Error("conditions: the edge map has " + std::to_string(c.edges.size()) + " bytes, expected " +
                        std::to_string(c.mapWidth) + "x" + std::to_string(c.mapHeight) + ".");
        const int d = c.scaleDenominator;
        if (d != 1 && d != 2 && d != 4 && d != 8)
            throw Error("conditions: the edge scale denominator must be 1, 2, 4 or 8.");
    }
    if (c.hint) {
        if (c.hint->width != c.width || c.hint->height != c.height)
            throw Error("conditions: the hint must be upsampled to the output size.");
        if (c.hint->rgb.size() != static_cast<std::size_t>(c.width) * static_cast<std::size_t>(c.height) * 3)
            throw Error("conditions: the hint has the wrong number of bytes.");
    }
    if (s.sampler == SamplerKind::Euler || s.sampler == SamplerKind::EulerAncestral)
        throw Error("sampler: the built-in model samples with DDPM, DDIM or DPM++ 2M; Euler and Euler ancestral are "
                    "the Stable Diffusion family's.");
    if (c.controlImage)
        throw Error("conditions: a control image is for a Stable Diffusion model's ControlNet; the built-in model "
                    "takes the edge map.");
    if (!s.fidelity && (s.steps < 1 || s.steps > timesteps))
        throw Error("sampler: steps must be in 1.." + std::to_string(timesteps) + ".");
    if (!std::isfinite(s.guidance) || s.guidance < 0.0f || s.guidance > 50.0f)
        throw Error("sampler: guidance must be in 0..50.");
    if (!std::isfinite(s.eta) || s.eta < 0.0f || s.eta > 1.0f)
        throw Error("sampler: eta must be in 0..1.");
    if (!std::isfinite(s.strength) || s.strength <= 0.0f || s.strength > 1.0f)
        throw Error("sampler: strength must be greater than 0 and at most 1.");
    if (s.tileSize < 0 || s.tileOverlap < 0)
        throw Error("sampler: tile size and overlap must not be negative.");
}

}  // namespace

BuiltinEngine::BuiltinEngine() : impl_(std::make_unique<EngineImpl>()) {}
BuiltinEngine::~BuiltinEngine() = default;

void BuiltinEngine::load(const std::string& path, const std::string& deviceName) {
    const torch::Device device = resolveDevice(deviceName);
    fs::path weights(path), cardPath(path);
    if (fs::is_directory(weights)) {
        weights /= "model.safetensors";
        cardPath /= "model.json";
    } else {
        cardPath.replace_extension(".json");
    }
    if (!fs::is_regular_file(weights))
        throw Error("model: the weights file '" + weights.string() + "' does not exist.");
    if (!fs::is_regular_file(cardPath))
        throw Error("model: the model card '" + cardPath.string() + "' does not exist.");
    ModelCard card = ModelCard::load(cardPath.string());
    const SafeTensors file = SafeTensors::read(weights.string());
    const Tokenizer tokenizer(card.vocabulary, card.config.maxTokens);
    net::DecoderModel model(card.config, tokenizer.vocabularySize());
    net::importTensors(model, file);
    install(*impl_, std::move(card), std::move(model), device, hex64(file.dataHash()));
}

void BuiltinEngine::createRandom(const ModelCard& card, std::uint64_t seed, const std::string& deviceName) {
    const torch::Device device = resolveDevice(deviceName);
    card.config.validate();
    const Tokenizer tokenizer(card.vocabulary, card.config.maxTokens);
    torch::manual_seed(seed);
    net::DecoderModel model(card.config, tokenizer.vocabularySize());
    const std::uint64_t hash = hashOfSerialized(SafeTensors::serialize(net::exportTensors(model)));
    install(*impl_, card, std::move(model), device, hex64(hash));
}

void BuiltinEngine::save(const std::string& directory) const {
    if (!isLoaded())
        throw Error("model: there is no model to save.");
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec)
        throw Error("model: cannot create the directory '" + directory + "' (" + ec.message() + ").");
    SafeTensors::write((fs::path(directory) / "model.safetensors").string(), net::exportTensors(impl_->model),
                       {{"format", "pt"}});
    impl_->card.save((fs::path(directory) / "model.json").string());
}

bool BuiltinEngine::isLoaded() const {
    return !impl_->model.is_empty();
}

std::string BuiltinEngine::modelId() const {
    return impl_->modelId;
}

std::string BuiltinEngine::deviceName() const {
    return impl_->device.str();
}

const ModelCard& BuiltinEngine::card() const {
    return impl_->card;
}

std::int64_t BuiltinEngine::parameterCount() const {
    if (!isLoaded())
        return 0;
    std::int64_t n = 0;
    for (const auto& p : impl_->model->parameters())
        n += p.numel();
    return n;
}

void BuiltinEngine::setMemoryBudgetBytes(std::uint64_t bytes) {
    impl_->memoryBudget = bytes;
}

DecodeStats BuiltinEngine::lastStats() const {
    return impl_->stats;
}

ImageRgb BuiltinEngine::decode(const Conditions& conditions, const SamplerSettings& settings,
                        const PreviewCallback& callback, int previewEvery, const std::atomic<bool>* cancel) {
    if (!isLoaded())
        throw Error("model: no model is loaded.");
    EngineImpl& impl = *impl_;
    const ModelConfig& cfg = impl.card.config;
    validate(conditions, settings, cfg.timesteps);
    const auto started = std::chrono::steady_clock::now();
    impl.stats = DecodeStats{};
    c10::InferenceMode inferenceMode;

    const int width = conditions.width, height = conditions.height;
    const std::int64_t down = cfg.downsampling();
    const std::int64_t paddedH = (height + down - 1) / down * down;
    const std::int64_t paddedW = (width + down - 1) / down * down;
    const auto onDevice = torch::TensorOptions().device(impl.device).dtype(impl.dtype);

    // Conditions [1, 5, H, W]: edges, hint RGB, hint mask; padded by replication.
    torch::Tensor edges = torch::zeros({1, 1, height, width});
    if (!conditions.edges.empty()) {
        torch::Tensor map = torch::from_blob(const_cast<std::uint8_t*>(conditions.edges.data()),
                                             {1, 1, conditions.mapHeight, conditions.mapWidth}, torch::kUInt8)
                                .gt(127)
                                .to(torch::kFloat);
        edges = F::interpolate(map, F::InterpolateFuncOptions()
                                        .size(std::vector<std::int64_t>{height, width})
                                        .mode(torch::kBilinear)
                                        .align_corners(false));
    }
    torch::Tensor hint = torch::zeros({1, 4, height, width});
    if (conditions.hint) {
        const torch::Tensor rgb = torch::from_blob(const_cast<std::uint8_t*>(conditions.hint->rgb.data()),
                                                   {height, width, 3}, torch::kUInt8);
        hint = torch::cat({rgb.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat) / 127.5 - 1.0,
                           torch::ones({1, 1, height, width})},
                          1);
    }
    auto pad = [&](const torch::Tensor& t) {
        if (paddedH == height && paddedW == width)
            return t;
        return F::pad(t, F::PadFuncOptions({0, paddedW - width, 0, paddedH - height}).mode(torch::kReplicate));
    };
    // No hint and a model with a caption prior: the layout the caption's words predict (the mean
    // layout without a caption) stands in for the hint, bilinearly upsampled.
    const bool priorHint = !conditions.hint && !impl.model->prior.is_empty();
    if (priorHint) {
        const std::vector<std::int64_t> tokens = impl.tokenizer->encode(conditions.caption);
        const torch::Tensor ids = torch::tensor(tokens, torch::kLong).unsqueeze(0).to(impl.device);
        const torch::Tensor layout =
            impl.model->prior->forward(ids, torch::ones_like(ids, torch::TensorOptions().dtype(torch::kBool))).first;
        const torch::Tensor up = F::interpolate(layout.to(torch::kCPU, torch::kFloat),
                                                F::InterpolateFuncOptions()
                                                    .size(std::vector<std::int64_t>{height, width})
                                                    .mode(torch::kBilinear)
                                                    .align_corners(false));
        hint = torch::cat({up.clamp(-1.0, 1.0), torch::ones({1, 1, height, width})}, 1);
    }
    const torch::Tensor condFull = pad(torch::cat({edges, hint}, 1)).to(onDevice);
    // Classifier-free guidance: the unconditional pass drops caption and hint and keeps the edges. A
    // hint-residual model denoises x0 - hint, so both passes must see the same hint: it drops the
    // caption only. With edge guidance the unconditional pass drops the edges as well.
    const torch::Tensor uncondEdges =
        cfg.edgeGuidance ? torch::zeros_like(condFull.narrow(1, 0, 1)) : condFull.narrow(1, 0, 1);
    const torch::Tensor uncondHint =
        cfg.hintResidual ? condFull.narrow(1, 1, 4) : torch::zeros_like(condFull.narrow(1, 1, 4));
    const torch::Tensor uncondFull = torch::cat({uncondEdges, uncondHint}, 1);
    torch::Tensor base;  // the hint a hint-residual model's output is added to (undefined: none)
    if (cfg.hintResidual && (conditions.hint || priorHint))
        base = condFull.narrow(1, 1, 3).to(torch::kFloat);
    auto withBase = [&](const torch::Tensor& x0) { return base.defined() ? (x0 + base).clamp(-1.0, 1.0) : x0; };
    // The fidelity decode is the unguided x0 prediction (the conditional mean: maximum PSNR).
    const float g = settings.fidelity ? 1.0f : settings.guidance;
    const bool useCond = g != 0.0f, useUncond = g != 1.0f;
    std::vector<std::vector<std::int64_t>> captions;
    std::vector<torch::Tensor> condPlanes;
    if (useCond) {
        captions.push_back(impl.tokenizer->encode(conditions.caption));
        condPlanes.push_back(condFull);
    }
    if (useUncond) {
        captions.push_back(impl.tokenizer->encode(std::string()));
        condPlanes.push_back(uncondFull);
    }
    const auto batch = static_cast<std::int64_t>(captions.size());
    std::size_t longest = 1;
    for (const auto& c : captions)
        longest = std::max(longest, c.size());
    torch::Tensor ids = torch::full({batch, static_cast<std::int64_t>(longest)}, Tokenizer::kPad, torch::kLong);
    torch::Tensor mask = torch::zeros({batch, static_cast<std::int64_t>(longest)}, torch::kBool);
    for (std::int64_t b = 0; b < batch; ++b) {
        const auto& c = captions[static_cast<std::size_t>(b)];
        for (std::size_t i = 0; i < c.size(); ++i) {
            ids[b][static_cast<std::int64_t>(i)] = c[i];
            mask[b][static_cast<std::int64_t>(i)] = true;
        }
    }
    net::Context context;
    ids = ids.to(impl.device);
    context.textMask = mask.to(impl.device);
    std::tie(context.text, context.textPooled) = impl.model->text->forward(ids, context.textMask);
    const int scaleIndex = conditions.edges.empty() ? 4
                           : conditions.scaleDenominator == 1 ? 0
                           : conditions.scaleDenominator == 2 ? 1
                           : conditions.scaleDenominator == 4 ? 2
                                                              : 3;
    std::vector<std::int64_t> scaleIndices(static_cast<std::size_t>(batch), scaleIndex);
    if (useUncond && cfg.edgeGuidance)
        scaleIndices.back() = 4;  // the unconditional pass: "no edges"
    context.scaleIndex = torch::tensor(scaleIndices, torch::kLong).to(impl.device);
    const torch::Tensor conditionsBatch = torch::cat(condPlanes, 0);

    // Tiling: by request, or when the estimated activation memory exceeds the budget.
    const std::int64_t bytesPerValue = impl.dtype == torch::kHalf ? 2 : 4;
    const double perPixel = BuiltinPeakMemory::activationBytesPerPixel(cfg, static_cast<int>(batch),
                                                                       static_cast<int>(bytesPerValue));
    std::int64_t tile = settings.tileSize > 0 ? (settings.tileSize + down - 1) / down * down : 0;
    if (tile == 0 && perPixel * static_cast<double>(paddedH * paddedW) > static_cast<double>(impl.memoryBudget)) {
        tile = static_cast<std::int64_t>(std::sqrt(static_cast<double>(impl.memoryBudget) / perPixel)) / down * down;
        tile = std::max<std::int64_t>(tile, 4 * down);
    }
    TileGrid grid;
    grid.tileH = tile > 0 ? std::min(tile, paddedH) : paddedH;
    grid.tileW = tile > 0 ? std::min(tile, paddedW) : paddedW;
    grid.overlap = std::min<std::int64_t>((settings.tileOverlap + down - 1) / down * down,
                                          std::min(grid.tileH, grid.tileW) / 2 / down * down);
    grid.ys = tileStarts(paddedH, grid.tileH, grid.overlap);
    grid.xs = tileStarts(paddedW, grid.tileW, grid.overlap);
    impl.stats.tiles = static_cast<int>(grid.ys.size() * grid.xs.size());

    // One guided network evaluation: returns the combined raw output [1, 3, Hp, Wp] (float32).
    auto evaluate = [&](const torch::Tensor& x, int t) {
        if (cancel && cancel->load())
            throw Cancelled();
        ++impl.stats.networkEvaluations;
        const torch::Tensor tb = torch::full({batch}, static_cast<double>(t),
                                             torch::TensorOptions().dtype(torch::kFloat).device(impl.device));
        auto run = [&](const torch::Tensor& xs, const torch::Tensor& conds) {
            net::Context c = context;
            c.conditions = conds;
            torch::Tensor out = impl.model->unet->forward(xs.to(impl.dtype).expand({batch, -1, -1, -1}), tb, c)
                                    .to(torch::kFloat);
            if (batch == 1)
                return out;
            return out.narrow(0, 1, 1) + (out.narrow(0, 0, 1) - out.narrow(0, 1, 1)) * static_cast<double>(g);
        };
        if (impl.stats.tiles == 1)
            return run(x, conditionsBatch);
        torch::Tensor sum = torch::zeros_like(x);
        torch::Tensor weight = torch::zeros({1, 1, paddedH, paddedW}, x.options());
        for (const auto y0 : grid.ys) {
            for (const auto x0 : grid.xs) {
                if (cancel && cancel->load())
                    throw Cancelled();
                const torch::Tensor out = run(x.narrow(2, y0, grid.tileH).narrow(3, x0, grid.tileW),
                                              conditionsBatch.narrow(2, y0, grid.tileH).narrow(3, x0, grid.tileW));
                const torch::Tensor w = (ramp(y0, grid.tileH, paddedH, grid.overlap).unsqueeze(1) *
                                         ramp(x0, grid.tileW, paddedW, grid.overlap).unsqueeze(0))
                                            .to(x.device())
                                            .view({1, 1, grid.tileH, grid.tileW});
                sum.narrow(2, y0, grid.tileH).narrow(3, x0, grid.tileW).add_(out * w);
                weight.narrow(2, y0, grid.tileH).narrow(3, x0, grid.tileW).add_(w);
            }
        }
        return sum / weight;
    };

    GaussianNoise rng(settings.seed);
    auto noise = [&](const torch::Tensor& like) {
        std::vector<float> values = rng.next(static_cast<std::size_t>(like.numel()));
        return torch::from_blob(values.data(), like.sizes(), torch::kFloat).clone().to(like.device());
    };
    const torch::Tensor xT = noise(torch::empty({1, 3, paddedH, paddedW}, torch::TensorOptions().device(impl.device)));
    auto denoise = [&](const torch::Tensor& x, int t) {
        return fromModelOutput(x, evaluate(x, t), impl.schedule->alphaBar(t), cfg.prediction, base);
    };
    auto hook = [&](int step, int total, const torch::Tensor& x0) {
        if (!callback)
            return;
        Progress progress;
        progress.step = step;
        progress.total = total;
        progress.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // The first evaluation's prediction too, so that the picture shows from the start.
        const bool preview = step == total || (previewEvery > 0 && (step == 1 || step % previewEvery == 0));
        if (preview) {
            const ImageRgb image = toImage(withBase(x0), width, height);
            callback(progress, &image);
        } else {
            callback(progress, nullptr);
        }
    };

    torch::Tensor result;
    if (settings.fidelity) {
        const int t = cfg.timesteps - 1;
        result = denoise(xT, t).x0;
        hook(1, 1, result);
    } else if (settings.strength >= 1.0f) {
        result = runSampler(*impl.schedule, settings.sampler, impl.schedule->samplingTimesteps(settings.steps),
                            settings.eta, xT, denoise, noise, hook);
    } else {
        // From the first step's (guided) x0 prediction, which is the fidelity decode at guidance 1: the
        // evaluation counts as step 1; noised to the first timestep kept.
        const std::vector<int> ts = impl.schedule->samplingTimesteps(settings.steps, settings.strength);
        const int total = static_cast<int>(ts.size()) + 1;
        const torch::Tensor start = denoise(xT, cfg.timesteps - 1).x0;
        hook(1, total, start);
        const double ab = impl.schedule->alphaBar(ts.front());
        const torch::Tensor xs = start * std::sqrt(ab) + noise(start) * std::sqrt(1.0 - ab);
        result = runSampler(*impl.schedule, settings.sampler, ts, settings.eta, xs, denoise, noise,
                            [&](int step, int, const torch::Tensor& x0) { hook(step + 1, total, x0); });
    }
    impl.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return toImage(withBase(result), width, height);
}

}  // namespace sem::diffusion

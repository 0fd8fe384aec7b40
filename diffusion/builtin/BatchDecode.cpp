#include "diffusion/builtin/BatchDecode.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/Sampler.h"

namespace sem::diffusion {

namespace F = torch::nn::functional;

namespace {

constexpr int kMaxSide = 16384;
constexpr int kMaxBatch = 64;

ImageRgb toImage(const torch::Tensor& x, std::int64_t index, int width, int height) {
    const torch::Tensor pixels =
        ((x.narrow(2, 0, height).narrow(3, 0, width)[index].to(torch::kCPU, torch::kFloat) + 1.0) * 127.5)
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

void validateConditions(const Conditions& c) {
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
    if (c.controlImage)
        throw Error("conditions: a control image is for a Stable Diffusion model's ControlNet; the built-in model "
                    "takes the edge map.");
}

void validateSettings(const SamplerSettings& s, int timesteps) {
    if (s.sampler == SamplerKind::Euler || s.sampler == SamplerKind::EulerAncestral)
        throw Error("sampler: the built-in model samples with DDPM, DDIM or DPM++ 2M; Euler and Euler ancestral are "
                    "the Stable Diffusion family's.");
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

int scaleIndexOf(const Conditions& c) {
    if (c.edges.empty())
        return 4;
    return c.scaleDenominator == 1 ? 0 : c.scaleDenominator == 2 ? 1 : c.scaleDenominator == 4 ? 2 : 3;
}

// Guided passes per image: the conditional one unless guidance is 0, the unconditional one unless 1.
int passesOf(const SamplerSettings& s) {
    const float g = s.fidelity ? 1.0f : s.guidance;
    return (g != 0.0f ? 1 : 0) + (g != 1.0f ? 1 : 0);
}

}  // namespace

BatchDecode::BatchDecode(EngineImpl& impl, const std::vector<const Conditions*>& conditions,
                         const SamplerSettings& settings, const std::vector<std::uint64_t>& seeds)
    : impl_(impl), conditions_(conditions), settings_(settings) {
    if (conditions.empty() || static_cast<int>(conditions.size()) > kMaxBatch)
        throw Error("batch: a batch holds 1.." + std::to_string(kMaxBatch) + " images.");
    if (seeds.size() != conditions.size())
        throw Error("batch: there must be one seed per image.");
    validateSettings(settings, impl.card.config.timesteps);
    const Conditions& first = *conditions.front();
    for (const Conditions* c : conditions) {
        validateConditions(*c);
        if (c->width != first.width || c->height != first.height)
            throw Error("batch: every image of a batch must have the same size.");
        if (c->hint.has_value() != first.hint.has_value())
            throw Error("batch: the images of a batch must all have a colour hint or all have none.");
    }
    for (const std::uint64_t seed : seeds)
        rngs_.emplace_back(seed);
    n_ = static_cast<std::int64_t>(conditions.size());
    width_ = first.width;
    height_ = first.height;
    const std::int64_t down = impl.card.config.downsampling();
    paddedH_ = (height_ + down - 1) / down * down;
    paddedW_ = (width_ + down - 1) / down * down;
    // The fidelity decode is the unguided x0 prediction (the conditional mean: maximum PSNR).
    guidance_ = settings.fidelity ? 1.0f : settings.guidance;
    useCond_ = guidance_ != 0.0f;
    useUncond_ = guidance_ != 1.0f;
    passes_ = (useCond_ ? 1 : 0) + (useUncond_ ? 1 : 0);
}

int BatchDecode::capacity(const EngineImpl& impl, int width, int height, const SamplerSettings& settings) {
    if (settings.tileSize > 0)
        return 0;
    const ModelConfig& cfg = impl.card.config;
    const int bytesPerValue = impl.dtype == torch::kHalf ? 2 : 4;
    const auto pixels = static_cast<double>(BuiltinPeakMemory::paddedPixels(cfg, width, height));
    const int passes = passesOf(settings);
    int images = 0;
    while (images < kMaxBatch &&
           BuiltinPeakMemory::activationBytesPerPixel(cfg, passes * (images + 1), bytesPerValue) * pixels <=
               static_cast<double>(impl.memoryBudget))
        ++images;
    return images;
}

// Conditions [1, 5, Hp, Wp] on the device: edges, hint RGB, hint mask; padded by replication.
torch::Tensor BatchDecode::planes(const Conditions& conditions, bool& priorHint) const {
    const int width = width_, height = height_;
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
    // No hint and a model with a caption prior: the layout the caption's words predict (the mean
    // layout without a caption) stands in for the hint, bilinearly upsampled.
    priorHint = !conditions.hint && !impl_.model->prior.is_empty();
    if (priorHint) {
        const std::vector<std::int64_t> tokens = impl_.tokenizer->encode(conditions.caption);
        const torch::Tensor ids = torch::tensor(tokens, torch::kLong).unsqueeze(0).to(impl_.device);
        const torch::Tensor layout =
            impl_.model->prior->forward(ids, torch::ones_like(ids, torch::TensorOptions().dtype(torch::kBool))).first;
        const torch::Tensor up = F::interpolate(layout.to(torch::kCPU, torch::kFloat),
                                                F::InterpolateFuncOptions()
                                                    .size(std::vector<std::int64_t>{height, width})
                                                    .mode(torch::kBilinear)
                                                    .align_corners(false));
        hint = torch::cat({up.clamp(-1.0, 1.0), torch::ones({1, 1, height, width})}, 1);
    }
    torch::Tensor full = torch::cat({edges, hint}, 1);
    if (paddedH_ != height || paddedW_ != width)
        full = F::pad(full, F::PadFuncOptions({0, paddedW_ - width, 0, paddedH_ - height}).mode(torch::kReplicate));
    return full.to(torch::TensorOptions().device(impl_.device).dtype(impl_.dtype));
}

void BatchDecode::prepareConditions() {
    const ModelConfig& cfg = impl_.card.config;
    std::vector<torch::Tensor> cond, uncond, bases;
    for (const Conditions* c : conditions_) {
        bool priorHint = false;
        const torch::Tensor full = planes(*c, priorHint);
        // Classifier-free guidance: the unconditional pass drops caption and hint and keeps the
        // edges. A hint-residual model denoises x0 - hint, so both passes must see the same hint: it
        // drops the caption only. With edge guidance the unconditional pass drops the edges as well.
        const torch::Tensor uncondEdges =
            cfg.edgeGuidance ? torch::zeros_like(full.narrow(1, 0, 1)) : full.narrow(1, 0, 1);
        const torch::Tensor uncondHint =
            cfg.hintResidual ? full.narrow(1, 1, 4) : torch::zeros_like(full.narrow(1, 1, 4));
        cond.push_back(full);
        uncond.push_back(torch::cat({uncondEdges, uncondHint}, 1));
        // The hint a hint-residual model's output is added to.
        if (cfg.hintResidual && (c->hint || priorHint))
            bases.push_back(full.narrow(1, 1, 3).to(torch::kFloat));
    }
    if (!bases.empty())
        base_ = n_ == 1 ? bases.front() : torch::cat(bases, 0);
    std::vector<torch::Tensor> passes;
    if (useCond_)
        passes.insert(passes.end(), cond.begin(), cond.end());
    if (useUncond_)
        passes.insert(passes.end(), uncond.begin(), uncond.end());
    conditionsBatch_ = torch::cat(passes, 0);
}

void BatchDecode::prepareText() {
    const ModelConfig& cfg = impl_.card.config;
    std::vector<std::vector<std::int64_t>> captions;
    std::vector<std::int64_t> scaleIndices;
    if (useCond_)
        for (const Conditions* c : conditions_) {
            captions.push_back(impl_.tokenizer->encode(c->caption));
            scaleIndices.push_back(scaleIndexOf(*c));
        }
    if (useUncond_)
        for (const Conditions* c : conditions_) {
            captions.push_back(impl_.tokenizer->encode(std::string()));
            scaleIndices.push_back(cfg.edgeGuidance ? 4 : scaleIndexOf(*c));  // 4: "no edges"
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
    ids = ids.to(impl_.device);
    context_.textMask = mask.to(impl_.device);
    std::tie(context_.text, context_.textPooled) = impl_.model->text->forward(ids, context_.textMask);
    context_.scaleIndex = torch::tensor(scaleIndices, torch::kLong).to(impl_.device);
}

// Tiling: by request, or when the estimated activation memory exceeds the budget.
void BatchDecode::planTiles() {
    const ModelConfig& cfg = impl_.card.config;
    const std::int64_t down = cfg.downsampling();
    const std::int64_t bytesPerValue = impl_.dtype == torch::kHalf ? 2 : 4;
    const double perPixel = BuiltinPeakMemory::activationBytesPerPixel(cfg, static_cast<int>(passes_ * n_),
                                                                       static_cast<int>(bytesPerValue));
    std::int64_t tile = settings_.tileSize > 0 ? (settings_.tileSize + down - 1) / down * down : 0;
    if (tile == 0 && perPixel * static_cast<double>(paddedH_ * paddedW_) > static_cast<double>(impl_.memoryBudget)) {
        tile = static_cast<std::int64_t>(std::sqrt(static_cast<double>(impl_.memoryBudget) / perPixel)) / down * down;
        tile = std::max<std::int64_t>(tile, 4 * down);
    }
    grid_.tileH = tile > 0 ? std::min(tile, paddedH_) : paddedH_;
    grid_.tileW = tile > 0 ? std::min(tile, paddedW_) : paddedW_;
    grid_.overlap = std::min<std::int64_t>((settings_.tileOverlap + down - 1) / down * down,
                                           std::min(grid_.tileH, grid_.tileW) / 2 / down * down);
    grid_.ys = tileStarts(paddedH_, grid_.tileH, grid_.overlap);
    grid_.xs = tileStarts(paddedW_, grid_.tileW, grid_.overlap);
    impl_.stats.tiles = static_cast<int>(grid_.ys.size() * grid_.xs.size());
}

// The guided output [N, 3, h, w] (float32) of x [N, 3, h, w] with the conditions of its area.
torch::Tensor BatchDecode::runNetwork(const torch::Tensor& x, const torch::Tensor& conds, const torch::Tensor& t) const {
    net::Context c = context_;
    c.conditions = conds;
    const torch::Tensor input =
        n_ == 1 ? x.to(impl_.dtype).expand({passes_, -1, -1, -1}) : x.to(impl_.dtype).repeat({passes_, 1, 1, 1});
    torch::Tensor out = impl_.model->unet->forward(input, t, c).to(torch::kFloat);
    if (passes_ == 1)
        return out;
    const torch::Tensor unconditional = out.narrow(0, n_, n_);
    return unconditional + (out.narrow(0, 0, n_) - unconditional) * static_cast<double>(guidance_);
}

// One guided network evaluation of the whole batch, tile by tile when the grid has several.
torch::Tensor BatchDecode::evaluate(const torch::Tensor& x, int t, const std::atomic<bool>* cancel) {
    if (cancel && cancel->load())
        throw Cancelled();
    ++impl_.stats.networkEvaluations;
    const torch::Tensor tb = torch::full({passes_ * n_}, static_cast<double>(t),
                                         torch::TensorOptions().dtype(torch::kFloat).device(impl_.device));
    if (impl_.stats.tiles == 1)
        return runNetwork(x, conditionsBatch_, tb);
    torch::Tensor sum = torch::zeros_like(x);
    torch::Tensor weight = torch::zeros({1, 1, paddedH_, paddedW_}, x.options());
    for (const auto y0 : grid_.ys) {
        for (const auto x0 : grid_.xs) {
            if (cancel && cancel->load())
                throw Cancelled();
            const torch::Tensor out =
                runNetwork(x.narrow(2, y0, grid_.tileH).narrow(3, x0, grid_.tileW),
                           conditionsBatch_.narrow(2, y0, grid_.tileH).narrow(3, x0, grid_.tileW), tb);
            const torch::Tensor w = (ramp(y0, grid_.tileH, paddedH_, grid_.overlap).unsqueeze(1) *
                                     ramp(x0, grid_.tileW, paddedW_, grid_.overlap).unsqueeze(0))
                                        .to(x.device())
                                        .view({1, 1, grid_.tileH, grid_.tileW});
            sum.narrow(2, y0, grid_.tileH).narrow(3, x0, grid_.tileW).add_(out * w);
            weight.narrow(2, y0, grid_.tileH).narrow(3, x0, grid_.tileW).add_(w);
        }
    }
    return sum / weight;
}

// Standard normal noise shaped like `like` [N, ...]: image i's part from its own seed's stream, so
// that an image gets the same noise in a batch as alone.
torch::Tensor BatchDecode::noise(const torch::Tensor& like) {
    const auto per = static_cast<std::size_t>(like.numel() / n_);
    std::vector<float> values;
    values.reserve(per * static_cast<std::size_t>(n_));
    for (GaussianNoise& rng : rngs_) {
        const std::vector<float> part = rng.next(per);
        values.insert(values.end(), part.begin(), part.end());
    }
    return torch::from_blob(values.data(), like.sizes(), torch::kFloat).clone().to(like.device());
}

torch::Tensor BatchDecode::withBase(const torch::Tensor& x0) const {
    return base_.defined() ? (x0 + base_).clamp(-1.0, 1.0) : x0;
}

std::vector<ImageRgb> BatchDecode::run(const PreviewCallback& callback, int previewEvery,
                                       const std::atomic<bool>* cancel) {
    const auto started = std::chrono::steady_clock::now();
    impl_.stats = DecodeStats{};
    c10::InferenceMode inferenceMode;
    const ModelConfig& cfg = impl_.card.config;
    prepareConditions();
    prepareText();
    planTiles();

    const NoiseSource noiseSource = [this](const torch::Tensor& like) { return noise(like); };
    const torch::Tensor xT =
        noise(torch::empty({n_, 3, paddedH_, paddedW_}, torch::TensorOptions().device(impl_.device)));
    const Denoiser denoise = [&](const torch::Tensor& x, int t) {
        return fromModelOutput(x, evaluate(x, t, cancel), impl_.schedule->alphaBar(t), cfg.prediction, base_);
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
        if (preview && n_ == 1) {
            const ImageRgb image = toImage(withBase(x0), 0, width_, height_);
            callback(progress, &image);
        } else {
            callback(progress, nullptr);
        }
    };

    torch::Tensor result;
    if (settings_.fidelity) {
        result = denoise(xT, cfg.timesteps - 1).x0;
        hook(1, 1, result);
    } else if (settings_.strength >= 1.0f) {
        result = runSampler(*impl_.schedule, settings_.sampler, impl_.schedule->samplingTimesteps(settings_.steps),
                            settings_.eta, xT, denoise, noiseSource, hook);
    } else {
        // From the first step's (guided) x0 prediction, which is the fidelity decode at guidance 1: the
        // evaluation counts as step 1; noised to the first timestep kept.
        const std::vector<int> ts = impl_.schedule->samplingTimesteps(settings_.steps, settings_.strength);
        const int total = static_cast<int>(ts.size()) + 1;
        const torch::Tensor start = denoise(xT, cfg.timesteps - 1).x0;
        hook(1, total, start);
        const double ab = impl_.schedule->alphaBar(ts.front());
        const torch::Tensor xs = start * std::sqrt(ab) + noise(start) * std::sqrt(1.0 - ab);
        result = runSampler(*impl_.schedule, settings_.sampler, ts, settings_.eta, xs, denoise, noiseSource,
                            [&](int step, int, const torch::Tensor& x0) { hook(step + 1, total, x0); });
    }
    impl_.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const torch::Tensor final = withBase(result);
    std::vector<ImageRgb> images;
    for (std::int64_t i = 0; i < n_; ++i)
        images.push_back(toImage(final, i, width_, height_));
    return images;
}

}  // namespace sem::diffusion

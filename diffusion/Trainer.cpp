#include "diffusion/Trainer.h"

#include "diffusion/common/Device.h"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <torch/torch.h>

#include "diffusion/builtin/Network.h"
#include "diffusion/builtin/NoiseSchedule.h"
#include "diffusion/common/GaussianNoise.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/builtin/Sampler.h"
#include "diffusion/builtin/Tokenizer.h"

namespace sem::diffusion {

namespace fs = std::filesystem;

namespace {


// Network inputs of a batch, on the device.
struct Inputs {
    torch::Tensor x0;  // [B, 3, H, W] in [-1, 1]
    torch::Tensor hint;  // [B, 3, H, W] in [-1, 1] (zero where there is no hint)
    torch::Tensor hintMask;  // [B] 0/1
    net::Context context;
};

void checkBatch(const TrainingBatch& b) {
    const auto n = static_cast<std::size_t>(b.size);
    if (b.size < 1 || b.width < 1 || b.height < 1 || b.images.size() != n * b.pixels() * 3 ||
        b.edges.size() != n * b.pixels() || b.hints.size() != n * b.pixels() * 3 || b.hasHint.size() != n ||
        b.scaleIndex.size() != n || b.captions.size() != n)
        throw Error("training batch: the buffers do not match the batch size and crop size.");
    for (const int s : b.scaleIndex)
        if (s < 0 || s > 4)
            throw Error("training batch: an edge scale index is outside 0..4.");
}


torch::Tensor bytesTensor(const std::string& s) {
    return torch::from_blob(const_cast<char*>(s.data()), {static_cast<std::int64_t>(s.size())}, torch::kUInt8).clone();
}

std::string architectureJson(const ModelCard& card) {
    ModelCard c;
    c.config = card.config;
    c.vocabulary = card.vocabulary;
    return c.toJson();
}

}  // namespace

class TrainerImpl {
public:
    TrainerOptions options;
    torch::Device device{torch::kCPU};
    std::unique_ptr<Tokenizer> tokenizer;
    std::unique_ptr<NoiseSchedule> schedule;
    torch::Tensor alphaBars;  // [T] float on the device
    net::DecoderModel model{nullptr}, ema{nullptr};
    std::unique_ptr<torch::optim::AdamW> optimizer;
    mutable at::Generator generator;
    std::int64_t step = 0;

    Inputs inputs(const TrainingBatch& b) const;
    torch::Tensor loss(const Inputs& in);
    void toChannelsLast(net::DecoderModel& m) const;
};

void TrainerImpl::toChannelsLast(net::DecoderModel& m) const {
    if (!device.is_cpu() || !options.channelsLast)
        return;
    torch::NoGradGuard noGrad;
    for (auto& p : m->parameters())
        if (p.dim() == 4)
            p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
    m->unet->channelsLast = true;
}

Inputs TrainerImpl::inputs(const TrainingBatch& b) const {
    checkBatch(b);
    const std::int64_t n = b.size, h = b.height, w = b.width;
    Inputs in;
    auto rgb = [&](const std::vector<std::uint8_t>& data) {
        return torch::from_blob(const_cast<std::uint8_t*>(data.data()), {n, h, w, 3}, torch::kUInt8)
                   .permute({0, 3, 1, 2})
                   .to(torch::kFloat) / 127.5 - 1.0;
    };
    in.x0 = rgb(b.images).contiguous().to(device);
    torch::Tensor mask = torch::from_blob(const_cast<std::uint8_t*>(b.hasHint.data()), {n}, torch::kUInt8).to(torch::kFloat);
    torch::Tensor hint = rgb(b.hints) * mask.view({n, 1, 1, 1});
    torch::Tensor edges = torch::from_blob(const_cast<float*>(b.edges.data()), {n, 1, h, w}, torch::kFloat);
    in.context.conditions =
        torch::cat({edges, hint, mask.view({n, 1, 1, 1}).expand({n, 1, h, w})}, 1).contiguous().to(device);
    in.hint = hint.to(device);
    in.hintMask = mask.to(device);
    std::vector<std::int64_t> scales(b.scaleIndex.begin(), b.scaleIndex.end());
    in.context.scaleIndex = torch::tensor(scales, torch::kLong).to(device);

    std::vector<std::vector<std::int64_t>> tokens;
    std::size_t longest = 1;
    for (const std::string& c : b.captions) {
        tokens.push_back(tokenizer->encode(c));
        longest = std::max(longest, tokens.back().size());
    }
    torch::Tensor ids = torch::full({n, static_cast<std::int64_t>(longest)}, Tokenizer::kPad, torch::kLong);
    torch::Tensor valid = torch::zeros({n, static_cast<std::int64_t>(longest)}, torch::kBool);
    auto idsA = ids.accessor<std::int64_t, 2>();
    auto validA = valid.accessor<bool, 2>();
    for (std::int64_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < tokens[static_cast<std::size_t>(i)].size(); ++k) {
            idsA[i][static_cast<std::int64_t>(k)] = tokens[static_cast<std::size_t>(i)][k];
            validA[i][static_cast<std::int64_t>(k)] = true;
        }
    in.context.text = ids.to(device);  // token ids until the encoder runs (see loss())
    in.context.textMask = valid.to(device);
    return in;
}

torch::Tensor TrainerImpl::loss(const Inputs& in) {
    const std::int64_t n = in.x0.size(0);
    const int timesteps = options.card.config.timesteps;
    torch::Tensor t, eps;
    {
        const torch::Tensor uniform = torch::randint(timesteps, {n}, generator, torch::kLong);
        const torch::Tensor last = torch::rand({n}, generator, torch::kFloat) < options.fidelityFraction;
        t = torch::where(last, torch::full({n}, timesteps - 1, torch::kLong), uniform);
        eps = torch::randn(in.x0.sizes(), generator, torch::kFloat);
    }
    t = t.to(device);
    eps = eps.to(device);
    const torch::Tensor ab = alphaBars.index_select(0, t).view({n, 1, 1, 1});
    const torch::Tensor a = ab.sqrt(), s = (1.0 - ab).sqrt();
    const torch::Tensor x0 = options.card.config.hintResidual ? in.x0 - in.hint : in.x0;
    const torch::Tensor xt = a * x0 + s * eps;
    net::Context c = in.context;
    std::tie(c.text, c.textPooled) = model->text->forward(in.context.text, in.context.textMask);
    const torch::Tensor out = model->unet->forward(xt, t.to(torch::kFloat), c);
    const Prediction prediction = options.card.config.prediction;
    const torch::Tensor target = prediction == Prediction::V ? a * eps - s * x0 : prediction == Prediction::X0 ? x0 : eps;
    return torch::mse_loss(out.to(torch::kFloat), target);
}

Trainer::Trainer(const TrainerOptions& options) : impl_(std::make_unique<TrainerImpl>()) {
    TrainerImpl& m = *impl_;
    m.options = options;
    options.card.config.validate();
    m.device = resolveDevice(options.device);
    if (m.device.is_cpu())
        at::set_num_threads(options.threads > 0 ? options.threads : defaultCpuThreads());
    m.tokenizer = std::make_unique<Tokenizer>(options.card.vocabulary, options.card.config.maxTokens);
    m.schedule = std::make_unique<NoiseSchedule>(options.card.config.timesteps);
    std::vector<float> ab;
    for (int t = 0; t < m.schedule->timesteps(); ++t)
        ab.push_back(static_cast<float>(m.schedule->alphaBar(t)));
    m.alphaBars = torch::tensor(ab).to(m.device);
    torch::manual_seed(options.seed);
    m.model = net::DecoderModel(options.card.config, m.tokenizer->vocabularySize());
    m.ema = net::DecoderModel(options.card.config, m.tokenizer->vocabularySize());
    if (!options.initWeights.empty()) {
        fs::path weights(options.initWeights);
        if (fs::is_directory(weights))
            weights /= "model.safetensors";
        net::importTensors(m.model, SafeTensors::read(weights.string()));
    }
    if (options.zeroOutputLayer || options.negateOutputLayer) {  // zero wins: a negated zero is zero
        torch::NoGradGuard noGrad;
        const double factor = options.zeroOutputLayer ? 0.0 : -1.0;
        m.model->unet->outConv->weight.mul_(factor);
        if (m.model->unet->outConv->bias.defined())
            m.model->unet->outConv->bias.mul_(factor);
    }
    m.model->to(m.device);
    m.ema->to(m.device);
    {
        torch::NoGradGuard noGrad;
        auto src = m.model->parameters();
        auto dst = m.ema->parameters();
        for (std::size_t i = 0; i < src.size(); ++i)
            dst[i].copy_(src[i]);
        for (auto& p : dst)
            p.set_requires_grad(false);
    }
    m.toChannelsLast(m.model);
    m.toChannelsLast(m.ema);
    m.ema->eval();
    m.optimizer = std::make_unique<torch::optim::AdamW>(
        m.model->parameters(), torch::optim::AdamWOptions(options.learningRate).weight_decay(options.weightDecay));
    m.generator = at::make_generator<at::CPUGeneratorImpl>(options.seed ^ 0x5eedull);
}

Trainer::~Trainer() = default;

double Trainer::step(const TrainingBatch& batch) {
    TrainerImpl& m = *impl_;
    const Inputs in = m.inputs(batch);
    m.model->train();
    const double lr = m.options.learningRate *
                      std::min(1.0, static_cast<double>(m.step + 1) / std::max(1, m.options.warmupSteps));
    for (auto& group : m.optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    m.optimizer->zero_grad();
    torch::Tensor loss = m.loss(in);
    const double value = loss.item<double>();
    if (!std::isfinite(value))
        throw Error("training: the loss became " + std::to_string(value) + " at step " + std::to_string(m.step) + ".");
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m.model->parameters(), m.options.gradientClip);
    m.optimizer->step();
    ++m.step;
    const double decay = std::min(m.options.emaDecay, (1.0 + static_cast<double>(m.step)) / (10.0 + static_cast<double>(m.step)));
    {
        torch::NoGradGuard noGrad;
        auto src = m.model->parameters();
        auto dst = m.ema->parameters();
        for (std::size_t i = 0; i < src.size(); ++i)
            dst[i].mul_(decay).add_(src[i].detach(), 1.0 - decay);
    }
    return value;
}

double Trainer::peekLoss(const TrainingBatch& batch) {
    TrainerImpl& m = *impl_;
    const Inputs in = m.inputs(batch);
    torch::Tensor state;
    {
        state = m.generator.get_state();
    }
    torch::NoGradGuard noGrad;
    const double value = m.loss(in).item<double>();
    m.generator.set_state(state);
    return value;
}

ValidationResult Trainer::validate(const std::vector<TrainingBatch>& batches, bool ema) {
    TrainerImpl& m = *impl_;
    net::DecoderModel& net = ema ? m.ema : m.model;
    torch::NoGradGuard noGrad;
    net->eval();
    const int last = m.options.card.config.timesteps - 1;
    const double ab = m.schedule->alphaBar(last);
    ValidationResult r;
    double fidelitySum = 0, hintSum = 0;
    std::uint64_t seed = 12345;
    auto psnr = [](const torch::Tensor& a, const torch::Tensor& b) {  // per image, inputs in [-1, 1]
        const torch::Tensor mse = ((a - b) * 127.5).pow(2).flatten(1).mean(1).clamp_min(1e-10);
        return (10.0 * torch::log10(255.0 * 255.0 / mse)).to(torch::kCPU);
    };
    for (const TrainingBatch& b : batches) {
        const Inputs in = m.inputs(b);
        const std::int64_t n = b.size;
        GaussianNoise noise(seed++);
        std::vector<float> values = noise.next(static_cast<std::size_t>(in.x0.numel()));
        const torch::Tensor xT = torch::from_blob(values.data(), in.x0.sizes(), torch::kFloat).clone().to(m.device);
        net::Context c = in.context;
        std::tie(c.text, c.textPooled) = net->text->forward(in.context.text, in.context.textMask);
        const torch::Tensor out = net->unet->forward(xT, torch::full({n}, static_cast<double>(last), xT.options()), c);
        const bool residual = m.options.card.config.hintResidual;
        torch::Tensor x0 = fromModelOutput(xT, out.to(torch::kFloat), ab, m.options.card.config.prediction,
                                           residual ? in.hint : torch::Tensor())
                               .x0;
        if (residual)
            x0 = x0 + in.hint;
        // Quantise like a decoded image before measuring.
        const torch::Tensor q = ((x0 + 1.0) * 127.5).round().clamp(0, 255) / 127.5 - 1.0;
        fidelitySum += psnr(q, in.x0).sum().item<double>();
        r.images += static_cast<int>(n);
        const torch::Tensor hp = psnr(in.hint, in.x0);
        const torch::Tensor mask = in.hintMask.to(torch::kCPU) > 0.5;
        hintSum += hp.masked_select(mask).sum().item<double>();
        r.hinted += static_cast<int>(mask.sum().item<std::int64_t>());
    }
    m.model->train();
    r.fidelityPsnr = r.images ? fidelitySum / r.images : 0.0;
    r.hintPsnr = r.hinted ? hintSum / r.hinted : 0.0;
    return r;
}

void Trainer::saveCheckpoint(const std::string& path) const {
    const TrainerImpl& m = *impl_;
    torch::serialize::OutputArchive archive, model, ema, optimizer;
    m.model->save(model);
    m.ema->save(ema);
    m.optimizer->save(optimizer);
    archive.write("model", model);
    archive.write("ema", ema);
    archive.write("optimizer", optimizer);
    archive.write("step", torch::tensor(m.step, torch::kLong));
    {
        archive.write("rng", m.generator.get_state());
    }
    archive.write("architecture", bytesTensor(architectureJson(m.options.card)));
    const std::string tmp = path + ".tmp";
    try {
        archive.save_to(tmp);
    } catch (const c10::Error& e) {
        throw Error("checkpoint: cannot write '" + tmp + "'.");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        throw Error("checkpoint: cannot rename '" + tmp + "' to '" + path + "' (" + ec.message() + ").");
}

void Trainer::loadCheckpoint(const std::string& path) {
    TrainerImpl& m = *impl_;
    if (!fs::is_regular_file(path))
        throw Error("checkpoint: '" + path + "' does not exist.");
    try {
        torch::serialize::InputArchive archive, model, ema, optimizer;
        archive.load_from(path, m.device);
        torch::Tensor arch, step, rng;
        archive.read("architecture", arch);
        const std::string stored(reinterpret_cast<const char*>(arch.to(torch::kCPU).data_ptr<std::uint8_t>()),
                                 static_cast<std::size_t>(arch.numel()));
        if (stored != architectureJson(m.options.card))
            throw Error("checkpoint: '" + path + "' was made for a different architecture or vocabulary.");
        archive.read("model", model);
        archive.read("ema", ema);
        archive.read("optimizer", optimizer);
        m.model->load(model);
        m.ema->load(ema);
        m.optimizer->load(optimizer);
        archive.read("step", step);
        archive.read("rng", rng);
        m.step = step.item<std::int64_t>();
        m.generator.set_state(rng.to(torch::kCPU));
    } catch (const c10::Error& e) {
        throw Error("checkpoint: '" + path + "' cannot be read (" + std::string(e.what_without_backtrace()) + ").");
    }
    for (auto& p : m.ema->parameters())
        p.set_requires_grad(false);
    m.toChannelsLast(m.model);
    m.toChannelsLast(m.ema);
}

void Trainer::exportModel(const std::string& directory, const TrainingInfo& info, bool ema) const {
    const TrainerImpl& m = *impl_;
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec)
        throw Error("model: cannot create the directory '" + directory + "' (" + ec.message() + ").");
    ModelCard card = m.options.card;
    card.training = info;
    SafeTensors::write((fs::path(directory) / "model.safetensors").string(), net::exportTensors(ema ? m.ema : m.model),
                       {{"format", "pt"}});
    card.save((fs::path(directory) / "model.json").string());
}

std::int64_t Trainer::steps() const {
    return impl_->step;
}

std::int64_t Trainer::parameterCount() const {
    std::int64_t n = 0;
    for (const auto& p : impl_->model->parameters())
        n += p.numel();
    return n;
}

double Trainer::emaDistance() const {
    torch::NoGradGuard noGrad;
    double sum = 0;
    std::int64_t count = 0;
    auto src = impl_->model->parameters();
    auto dst = impl_->ema->parameters();
    for (std::size_t i = 0; i < src.size(); ++i) {
        sum += (src[i] - dst[i]).abs().sum().item<double>();
        count += src[i].numel();
    }
    return count ? sum / static_cast<double>(count) : 0.0;
}

std::string Trainer::deviceName() const {
    return impl_->device.str();
}

}  // namespace sem::diffusion

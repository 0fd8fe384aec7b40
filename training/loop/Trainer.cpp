#include "training/loop/Trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "diffusion/DiffusionError.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/builtin/Sampler.h"
#include "diffusion/common/Device.h"
#include "diffusion/common/GaussianNoise.h"
#include "training/loop/Distributed.h"
#include "training/loop/TrainerImpl.h"

namespace sem::training {

using namespace sem::diffusion;  // the engine this trainer trains (ModelCard, Tokenizer, net::, ...)
using diffusion::Error;  // the engine's errors (tests expect sem::diffusion::Error)

namespace fs = std::filesystem;

namespace {

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

Trainer::Trainer(const TrainerOptions& options) : impl_(std::make_unique<TrainerImpl>()) {
    TrainerImpl& m = *impl_;
    m.options = options;
    options.card.config.validate();
    m.device = resolveDevice(options.device);
    if (m.device.is_cuda() && options.cudaIndex > 0)  // LOCAL_RANK: one GPU per process of a machine
        m.device = torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(options.cudaIndex));
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
    loadCheckpointData(readCheckpoint(path), path);
}

std::vector<char> Trainer::readCheckpoint(const std::string& path) {
    if (!fs::is_regular_file(path))
        throw Error("checkpoint: '" + path + "' does not exist.");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    std::vector<char> bytes(in ? static_cast<std::size_t>(in.tellg()) : 0);
    in.seekg(0);
    if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
        throw Error("checkpoint: '" + path + "' cannot be read.");
    return bytes;
}

void Trainer::loadCheckpointData(const std::vector<char>& bytes, const std::string& path) {
    TrainerImpl& m = *impl_;
    try {
        torch::serialize::InputArchive archive, model, ema, optimizer;
        archive.load_from(bytes.data(), bytes.size(), m.device);
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

void Trainer::setDistributed(Distributed* group) {
    impl_->group = group && group->active() ? group : nullptr;
}

void Trainer::synchronise() {
    TrainerImpl& m = *impl_;
    if (!m.group)
        return;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> tensors;
    for (const net::DecoderModel* net : {&m.model, &m.ema}) {
        for (const auto& p : (*net)->parameters())
            tensors.push_back(p.data());
        for (const auto& b : (*net)->buffers())
            tensors.push_back(b);
    }
    m.group->broadcast(tensors);
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

}  // namespace sem::training
#include "diffusion/builtin/BuiltinEngine.h"

#include "diffusion/common/Device.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include <torch/torch.h>

#include "diffusion/builtin/BatchDecode.h"
#include "diffusion/builtin/EngineImpl.h"
#include "diffusion/builtin/Network.h"
#include "diffusion/builtin/NoiseSchedule.h"
#include "diffusion/builtin/PeakMemory.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/builtin/Tokenizer.h"

namespace sem::diffusion {

namespace fs = std::filesystem;

namespace {

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
    const std::vector<const Conditions*> one{&conditions};
    return BatchDecode(*impl_, one, settings, {settings.seed}).run(callback, previewEvery, cancel).front();
}

std::vector<ImageRgb> BuiltinEngine::decodeBatch(const std::vector<const Conditions*>& conditions,
                                                 const SamplerSettings& settings, const std::vector<std::uint64_t>& seeds,
                                                 const PreviewCallback& callback, int previewEvery,
                                                 const std::atomic<bool>* cancel) {
    if (!isLoaded())
        throw Error("model: no model is loaded.");
    return BatchDecode(*impl_, conditions, settings, seeds).run(callback, previewEvery, cancel);
}

int BuiltinEngine::batchCapacity(int width, int height, const SamplerSettings& settings) const {
    return isLoaded() ? BatchDecode::capacity(*impl_, width, height, settings) : 0;
}

}  // namespace sem::diffusion

#include "training/loop/Trainer.h"

#include <algorithm>
#include <cmath>

#include "diffusion/DiffusionError.h"
#include "training/loop/Distributed.h"
#include "training/loop/TrainerImpl.h"

namespace sem::training {

using namespace sem::diffusion;  // the engine this trainer trains (ModelCard, Tokenizer, net::, ...)
using diffusion::Error;  // the engine's errors (tests expect sem::diffusion::Error)

namespace {
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

}  // namespace

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
        // Several processes: every rank draws the noise of the global batch and takes its rows.
        const std::int64_t ranks = group ? group->size() : 1, first = group ? group->rank() * n : 0;
        const std::vector<std::int64_t> shape{n * ranks, in.x0.size(1), in.x0.size(2), in.x0.size(3)};
        const torch::Tensor uniform = torch::randint(timesteps, {n * ranks}, generator, torch::kLong);
        const torch::Tensor last = torch::rand({n * ranks}, generator, torch::kFloat) < options.fidelityFraction;
        t = torch::where(last, torch::full({n * ranks}, timesteps - 1, torch::kLong), uniform).narrow(0, first, n);
        eps = torch::randn(shape, generator, torch::kFloat).narrow(0, first, n).contiguous();
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
    double value = loss.item<double>();
    if (m.group)  // the loss of the global batch, the same on every rank (so they all stop on a NaN)
        value = m.group->average(value);
    if (!std::isfinite(value))
        throw Error("training: the loss became " + std::to_string(value) + " at step " + std::to_string(m.step) + ".");
    loss.backward();
    if (m.group)
        m.group->averageGradients(m.model->parameters());
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

}  // namespace sem::training

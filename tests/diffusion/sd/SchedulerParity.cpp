#include "diffusion/sd/SchedulerParity.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/sd/LatentPreview.h"
#include "diffusion/sd/Scheduler.h"

namespace sem::test {

namespace {

using diffusion::SafeTensors;
using namespace diffusion::sd;
using nlohmann::json;

const std::string kFixtures = std::string(SEM_SOURCE_DIR) + "/tests/diffusion/sd/fixtures/";

struct Fixture {
    json index;
    SafeTensors tensors;
};

const Fixture& fixture() {
    static const Fixture f = [] {
        const auto bytes = diffusion::readWholeFile(kFixtures + "schedulers.json", 1 << 20, "fixture");
        return Fixture{json::parse(std::string(bytes.begin(), bytes.end())),
                       SafeTensors::read(kFixtures + "schedulers.safetensors")};
    }();
    return f;
}

bool has(const std::string& name) {
    return fixture().tensors.entries().count(name) != 0;
}

torch::Tensor tensor(const std::string& name) {
    const auto& entries = fixture().tensors.entries();
    const auto it = entries.find(name);
    if (it == entries.end())
        throw std::runtime_error("the fixture has no tensor " + name);
    std::vector<float> values = fixture().tensors.toFloat(name);
    return torch::from_blob(values.data(), it->second.shape, torch::kFloat32).clone();
}

double relative(const torch::Tensor& ours, const torch::Tensor& reference) {
    if (ours.sizes() != reference.sizes())
        return std::numeric_limits<double>::infinity();
    const double scale = std::max(reference.abs().max().item<double>(), 1e-30);
    return (ours.to(torch::kFloat64) - reference.to(torch::kFloat64)).abs().max().item<double>() / scale;
}

torch::Tensor vectorTensor(const std::vector<float>& v) {
    return torch::tensor(v, torch::kFloat32);
}

// The fake model of make_scheduler_fixtures.py: 0.3 * input + 0.1 * sin(float32(t) / 100 + phase).
torch::Tensor fakeModel(const torch::Tensor& input, float t, const torch::Tensor& phase) {
    const torch::Tensor tf = torch::tensor(t, torch::kFloat32);
    return 0.3 * input + 0.1 * torch::sin(tf / 100 + phase);
}

const json& caseJson(const std::string& name) {
    for (const json& c : fixture().index.at("cases"))
        if (c.at("name").get<std::string>() == name)
            return c;
    throw std::runtime_error("the fixture has no case " + name);
}

std::unique_ptr<Scheduler> sd15Scheduler(SamplerKind kind, SamplerOptions options = {}) {
    return makeScheduler(kind, SchedulerConfig{}, options);
}

}  // namespace

std::vector<std::string> schedulerCaseNames() {
    std::vector<std::string> names;
    for (const json& c : fixture().index.at("cases"))
        names.push_back(c.at("name").get<std::string>());
    return names;
}

SchedulerCaseResult runSchedulerCase(const std::string& name, SchedulerPerturbation perturbation) {
    const json& c = caseJson(name);
    const std::string p = name + ".";
    SchedulerCaseResult r;
    r.sampler = c.at("sampler").get<std::string>();
    SamplerKind kind{};
    if (!samplerFromName(r.sampler, kind))
        throw std::runtime_error("unknown sampler " + r.sampler);
    SchedulerConfig config = SchedulerConfig::fromJson(
        fixture().index.at("configs").at(c.at("config").get<std::string>()).get<std::string>());
    switch (perturbation) {
    case SchedulerPerturbation::BetaEnd:
        config.betaEnd *= 1.01;
        break;
    case SchedulerPerturbation::Prediction:
        config.predictionType = config.predictionType == PredictionType::Epsilon ? PredictionType::VPrediction
                                                                                 : PredictionType::Epsilon;
        break;
    case SchedulerPerturbation::Spacing: {
        const TimestepSpacing own = config.timestepSpacing.value_or(
            kind == SamplerKind::Ddim ? TimestepSpacing::Leading : TimestepSpacing::Linspace);
        config.timestepSpacing = own == TimestepSpacing::Linspace ? TimestepSpacing::Leading : TimestepSpacing::Linspace;
        break;
    }
    default:
        break;
    }
    SamplerOptions options;
    options.eta = c.at("eta").get<double>();
    if (c.at("karras").get<bool>())
        options.karras = true;
    const int steps = c.at("steps").get<int>();
    const double strength = c.at("strength").get<double>();

    auto scheduler = makeScheduler(kind, config, options);
    scheduler->setTimesteps(steps);
    const torch::Tensor refTimesteps = tensor(p + "timesteps");
    const torch::Tensor ourTimesteps = vectorTensor(scheduler->timesteps());
    const bool sameTimestepCount = ourTimesteps.sizes() == refTimesteps.sizes();
    r.timestepError = sameTimestepCount ? (ourTimesteps - refTimesteps).abs().max().item<double>()
                                        : std::numeric_limits<double>::infinity();
    const int sigmaCount = has(p + "sigmas") ? static_cast<int>(tensor(p + "sigmas").numel()) : 0;
    if (sigmaCount > 0)
        r.sigmaError = relative(vectorTensor(scheduler->sigmas()), tensor(p + "sigmas"));
    r.initNoiseSigmaError =
        std::abs(static_cast<double>(scheduler->initNoiseSigma()) - tensor(p + "init_noise_sigma").item<double>()) /
        tensor(p + "init_noise_sigma").item<double>();

    const torch::Tensor phase = torch::arange(64, torch::kFloat32).reshape({1, 4, 4, 4}) * 0.1;
    torch::Tensor latents;
    int first = 0;
    if (strength < 1.0) {
        first = scheduler->firstStep(strength);
        latents = scheduler->addNoise(tensor("x0"), tensor("noise0"), first);
        r.noisedError = relative(latents, tensor(p + "noised"));
    } else {
        latents = tensor("x_init") * scheduler->initNoiseSigma();
    }
    const int refFirst = static_cast<int>(tensor(p + "start").item<float>());

    torch::Tensor noises = has(p + "noise") ? tensor(p + "noise") : torch::Tensor();
    if (noises.defined() && perturbation == SchedulerPerturbation::Noise)
        noises = noises * 1.1;
    int draws = 0;
    const NoiseFn noise = [&](const torch::Tensor& like) {
        if (!noises.defined() || draws >= noises.size(0))
            throw std::runtime_error(name + ": the scheduler drew more noise than diffusers");
        return noises[draws++].to(like.scalar_type());
    };
    const torch::Tensor refPreds = tensor(p + "pred_original");
    int run = 0;
    for (int i = first; i < scheduler->numSteps(); ++i, ++run) {
        const float t = scheduler->timesteps()[static_cast<size_t>(i)];
        const torch::Tensor input = scheduler->scaleModelInput(latents, i);
        const StepResult step = scheduler->step(fakeModel(input, t, phase), i, latents, noise);
        if (run < refPreds.size(0))
            r.predOriginalError = std::max(r.predOriginalError, relative(step.predOriginalSample, refPreds[run]));
        latents = step.prevSample;
    }
    r.finalError = relative(latents, tensor(p + "final"));

    const int refDraws = c.at("noise_draws").get<int>();
    r.sameCounts = sameTimestepCount && first == refFirst &&
                   static_cast<int>(scheduler->sigmas().size()) == sigmaCount && run == c.at("steps_run").get<int>() &&
                   draws == refDraws;
    r.counts = "timesteps " + std::to_string(ourTimesteps.numel()) + " vs " + std::to_string(refTimesteps.numel()) +
               ", sigmas " + std::to_string(scheduler->sigmas().size()) + " vs " + std::to_string(sigmaCount) +
               ", first step " + std::to_string(first) + " vs " + std::to_string(refFirst) + ", steps run " +
               std::to_string(run) + " vs " + std::to_string(c.at("steps_run").get<int>()) + ", noise draws " +
               std::to_string(draws) + " vs " + std::to_string(refDraws);
    return r;
}

std::string schedulerErrorMessage(const std::string& scenario) {
    const torch::Tensor sample = torch::zeros({1, 4, 4, 4});
    const NoiseFn goodNoise = [](const torch::Tensor& like) { return torch::zeros_like(like); };
    try {
        if (scenario == "zero steps") {
            sd15Scheduler(SamplerKind::Ddim)->setTimesteps(0);
        } else if (scenario == "steps past training") {
            sd15Scheduler(SamplerKind::Euler)->setTimesteps(1001);
        } else if (scenario == "strength 0" || scenario == "strength 1.5" || scenario == "strength nan" ||
                   scenario == "strength leaving no step") {
            auto s = sd15Scheduler(SamplerKind::DpmPp2M);
            s->setTimesteps(20);
            const double strength = scenario == "strength 0"     ? 0.0
                                    : scenario == "strength 1.5" ? 1.5
                                    : scenario == "strength nan" ? std::nan("")
                                                                 : 0.04;
            s->firstStep(strength);
        } else if (scenario == "eta for euler") {
            SamplerOptions o;
            o.eta = 0.5;
            sd15Scheduler(SamplerKind::Euler, o);
        } else if (scenario == "eta above 1") {
            SamplerOptions o;
            o.eta = 1.5;
            sd15Scheduler(SamplerKind::Ddim, o);
        } else if (scenario == "karras for ddim" || scenario == "karras for euler_a") {
            SamplerOptions o;
            o.karras = true;
            sd15Scheduler(scenario == "karras for ddim" ? SamplerKind::Ddim : SamplerKind::EulerAncestral, o);
        } else if (scenario == "ddim trailing 61") {
            SchedulerConfig config;
            config.timestepSpacing = TimestepSpacing::Trailing;
            auto s = makeScheduler(SamplerKind::Ddim, config);
            try {
                s->setTimesteps(61);
            } catch (const diffusion::Error& e) {
                // The refused schedule leaves nothing half-made behind.
                try {
                    s->step(sample, 0, sample, goodNoise);
                } catch (const diffusion::Error& after) {
                    return std::string(e.what()) + " | " + after.what();
                }
                return std::string(e.what()) + " | step still ran";
            }
        } else if (scenario == "step before setTimesteps") {
            sd15Scheduler(SamplerKind::Euler)->step(sample, 0, sample, goodNoise);
        } else if (scenario == "step past the end") {
            auto s = sd15Scheduler(SamplerKind::Ddim);
            s->setTimesteps(4);
            s->step(sample, 4, sample, goodNoise);
        } else if (scenario == "output shape") {
            auto s = sd15Scheduler(SamplerKind::Euler);
            s->setTimesteps(4);
            s->step(torch::zeros({1, 4, 4, 5}), 0, sample, goodNoise);
        } else if (scenario == "noise shape") {
            auto s = sd15Scheduler(SamplerKind::EulerAncestral);
            s->setTimesteps(4);
            s->step(sample, 0, sample, [](const torch::Tensor&) { return torch::zeros({1, 4}); });
        } else if (scenario == "no noise function") {
            auto s = sd15Scheduler(SamplerKind::EulerAncestral);
            s->setTimesteps(4);
            s->step(sample, 0, sample, NoiseFn());
        } else if (scenario == "dpm steps out of order") {
            auto s = sd15Scheduler(SamplerKind::DpmPp2M);
            s->setTimesteps(10);
            s->step(sample, 0, sample, goodNoise);
            s->step(sample, 2, sample, goodNoise);
        } else if (scenario == "dpm new run after setTimesteps") {  // valid: must not throw
            auto s = sd15Scheduler(SamplerKind::DpmPp2M);
            s->setTimesteps(10);
            s->step(sample, 0, sample, goodNoise);
            s->setTimesteps(10);
            s->step(sample, 0, sample, goodNoise);
        } else if (scenario == "preview shape") {
            latentToRgbPreview(torch::zeros({1, 3, 4, 4}));
        } else {
            return "unknown scenario " + scenario;
        }
    } catch (const diffusion::Error& e) {
        return e.what();
    }
    return {};
}

PreviewImage latentPreview(const std::vector<float>& values, int height, int width) {
    std::vector<float> copy = values;
    const torch::Tensor latents = torch::from_blob(copy.data(), {1, 4, height, width}, torch::kFloat32).clone();
    const diffusion::ImageRgb image = latentToRgbPreview(latents);
    return {image.width, image.height, image.rgb};
}

}  // namespace sem::test

#include "diffusion/sd/DpmSolverMultistepScheduler.h"

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ScheduleMath.h"

namespace sem::diffusion::sd {

namespace {

// _sigma_to_alpha_sigma_t: alpha_t = 1 / sqrt(sigma^2 + 1) (Python's 1 / x is reciprocal(x) * 1),
// sigma_t = sigma * alpha_t.
std::pair<torch::Tensor, torch::Tensor> alphaSigma(const torch::Tensor& sigma) {
    const torch::Tensor alpha = (sigma.pow(2) + 1).pow(0.5).reciprocal() * 1;
    return {alpha, sigma * alpha};
}

torch::Tensor lambdaOf(const torch::Tensor& alpha, const torch::Tensor& sigma) {
    return torch::log(alpha) - torch::log(sigma);
}

}  // namespace

DpmSolverMultistepScheduler::DpmSolverMultistepScheduler(const SchedulerConfig& config, bool karras)
    : Scheduler(SamplerKind::DpmPp2M, config), karras_(karras) {}

void DpmSolverMultistepScheduler::computeSchedule(int steps) {
    const int n = config_.numTrainTimesteps;
    // lambda_min_clipped is -inf: searchsorted finds index 0, so last_timestep is num_train_timesteps.
    const int last = n;
    std::vector<double> ts;
    switch (spacing_) {
    case TimestepSpacing::Linspace: {
        const std::vector<double> y = math::linspace(0, last - 1, steps + 1);
        for (size_t i = y.size() - 1; i >= 1; --i)  // [::-1][:-1]
            ts.push_back(math::roundHalfEven(y[i]));
        break;
    }
    case TimestepSpacing::Leading: {
        const int ratio = last / (steps + 1);
        for (int i = steps; i >= 1; --i)
            ts.push_back(static_cast<double>(i * ratio + config_.stepsOffset));
        break;
    }
    case TimestepSpacing::Trailing:
        for (const double v : math::arangeDown(last, static_cast<double>(n) / steps))
            ts.push_back(math::roundHalfEven(v) - 1);
        break;
    }
    const std::vector<float> trainSigmas = math::trainSigmas(alphasCumprod_);
    if (karras_) {
        // Karras over the whole training range (flip(sigmas): min sigmas[0], max sigmas[-1]), the
        // timesteps rounded from those sigmas, the last sigma repeated.
        const std::vector<double> sigmas = math::karras(trainSigmas.front(), trainSigmas.back(), steps);
        const std::vector<float> logSigmas = math::logOf(trainSigmas);
        ts.clear();
        for (const double s : sigmas) {
            ts.push_back(math::roundHalfEven(math::sigmaToT(s, logSigmas)));
            sigmas_.push_back(static_cast<float>(s));
        }
        sigmas_.push_back(sigmas_.back());
    } else {
        for (const double t : ts)
            sigmas_.push_back(static_cast<float>(math::interp(t, trainSigmas)));
        sigmas_.push_back(trainSigmas.front());  // ((1 - alphas_cumprod[0]) / alphas_cumprod[0]) ** 0.5
    }
    for (const double t : ts)
        timesteps_.push_back(static_cast<float>(t));
    initNoiseSigma_ = 1.0f;
    previousX0_ = torch::Tensor();
    lowerOrderNums_ = 0;
    lastStep_ = -1;
}

torch::Tensor DpmSolverMultistepScheduler::sigmaAt(int index) const {
    return math::scalar(sigmas_[static_cast<size_t>(index)]);
}

torch::Tensor DpmSolverMultistepScheduler::addNoise(const torch::Tensor& x0, const torch::Tensor& noise,
                                                    int stepIndex) const {
    checkStep(stepIndex, "addNoise");
    checkLike(noise, x0, "noise");
    const auto [alpha, sigma] = alphaSigma(sigmaAt(stepIndex).to(x0.device(), x0.scalar_type()));
    return alpha * x0 + sigma * noise;
}

StepResult DpmSolverMultistepScheduler::step(const torch::Tensor& modelOutput, int stepIndex,
                                             const torch::Tensor& sample, const NoiseFn& /*noise: none*/) {
    checkStep(stepIndex, "step");
    checkLike(modelOutput, sample, "model output");
    if (lastStep_ >= 0 && stepIndex != lastStep_ + 1)
        throw Error("dpmpp_2m: step " + std::to_string(stepIndex) + " follows step " + std::to_string(lastStep_) +
                    "; the steps of a run must follow each other (setTimesteps starts a new run).");
    const int n = numSteps();
    const bool lowerOrderFinal = stepIndex == n - 1 && n < 15;

    // convert_model_output: the data prediction x0.
    const auto [alphaS0, sigmaS0] = alphaSigma(sigmaAt(stepIndex));
    const torch::Tensor x0 = config_.predictionType == PredictionType::Epsilon
                                 ? (sample - sigmaS0 * modelOutput) / alphaS0
                                 : alphaS0 * sample - sigmaS0 * modelOutput;

    const auto [alphaT, sigmaT] = alphaSigma(sigmaAt(stepIndex + 1));
    const torch::Tensor lambdaT = lambdaOf(alphaT, sigmaT);
    const torch::Tensor lambdaS0 = lambdaOf(alphaS0, sigmaS0);
    const torch::Tensor h = lambdaT - lambdaS0;
    torch::Tensor prevSample;
    if (lowerOrderNums_ < 1 || lowerOrderFinal) {
        prevSample = (sigmaT / sigmaS0) * sample - (alphaT * (torch::exp(-h) - 1.0)) * x0;
    } else {
        const auto [alphaS1, sigmaS1] = alphaSigma(sigmaAt(stepIndex - 1));
        const torch::Tensor lambdaS1 = lambdaOf(alphaS1, sigmaS1);
        const torch::Tensor h0 = lambdaS0 - lambdaS1;
        const torch::Tensor r0 = h0 / h;
        const torch::Tensor& d0 = x0;
        const torch::Tensor d1 = (r0.reciprocal() * 1.0) * (x0 - previousX0_);
        prevSample = (sigmaT / sigmaS0) * sample - (alphaT * (torch::exp(-h) - 1.0)) * d0 -
                     0.5 * (alphaT * (torch::exp(-h) - 1.0)) * d1;
    }
    if (lowerOrderNums_ < 2)
        ++lowerOrderNums_;
    previousX0_ = x0;
    lastStep_ = stepIndex;
    return {prevSample, x0};
}

}  // namespace sem::diffusion::sd

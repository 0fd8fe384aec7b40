#include "diffusion/sd/SdPipeline.h"

#include <vector>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace {

void checkImage(const torch::Tensor& t, const SdRequest& r, const char* what) {
    if (!t.defined())
        return;
    if (t.dim() != 4 || t.size(0) != 1 || t.size(1) != 3 || t.size(2) != r.height || t.size(3) != r.width)
        throw Error(std::string("stable diffusion: the ") + what + " must be [1, 3, " + std::to_string(r.height) +
                    ", " + std::to_string(r.width) + "].");
}

void validate(const SdModules& m, const SdRequest& r) {
    if (!m.tokenizer || m.text.is_empty() || m.unet.is_empty() || m.vae.is_empty())
        throw Error("stable diffusion: the model is not loaded.");
    const int f = m.vae->downsamplingFactor();
    if (r.width < f || r.height < f || r.width % f != 0 || r.height % f != 0)
        throw Error("stable diffusion: the working size " + std::to_string(r.width) + "x" + std::to_string(r.height) +
                    " must be a positive multiple of " + std::to_string(f) + ".");
    checkImage(r.control, r, "control image");
    checkImage(r.image, r, "start image");
    const std::vector<std::int64_t> latentShape{1, m.unet->config().inChannels, r.height / f, r.width / f};
    if (!r.latents.defined() || r.latents.sizes() != latentShape)
        throw Error("stable diffusion: the starting latents must be [1, " + std::to_string(latentShape[1]) + ", " +
                    std::to_string(latentShape[2]) + ", " + std::to_string(latentShape[3]) + "].");
    if (r.control.defined() && m.controlnet.is_empty())
        throw Error("stable diffusion: a control image needs a ControlNet (--controlnet).");
    if (!(r.guidance >= 0.0 && r.guidance <= 50.0))
        throw Error("stable diffusion: guidance must be in 0..50.");
    if (!(r.controlScale >= 0.0 && r.controlScale <= 5.0))
        throw Error("stable diffusion: the control scale must be in 0..5.");
    if (r.steps < 1 || r.steps > 1000)
        throw Error("stable diffusion: steps must be in 1..1000.");
}

}  // namespace

torch::Tensor encodePrompt(const SdModules& modules, const std::string& prompt) {
    const std::vector<int> ids = modules.tokenizer->encode(prompt, true);
    std::vector<std::int64_t> wide(ids.begin(), ids.end());
    const auto device = modules.text->parameters().front().device();
    const torch::Tensor tokens = torch::tensor(wide, torch::kLong).unsqueeze(0).to(device);
    return modules.text->forward(tokens).lastHiddenState;
}

torch::Tensor runSdPipeline(const SdModules& m, const SdRequest& r, const SdStepHook& hook,
                            const std::atomic<bool>* cancel) {
    validate(m, r);
    c10::InferenceMode inferenceMode;
    auto cancelled = [&] { return cancel && cancel->load(); };
    if (cancelled())
        throw Cancelled();
    const auto param = m.unet->parameters().front();
    const auto device = param.device();
    const auto dtype = param.scalar_type();
    const double scaling = m.vae->scalingFactor();

    // Text: [negative; positive] as diffusers batches classifier-free guidance.
    const bool guided = r.guidance > 1.0;
    torch::Tensor text = encodePrompt(m, r.prompt);
    if (guided)
        text = torch::cat({encodePrompt(m, r.negativePrompt), text}, 0);
    text = text.to(device, dtype);
    const std::int64_t batch = guided ? 2 : 1;
    torch::Tensor control;
    if (r.control.defined())
        control = r.control.to(device, dtype).expand({batch, -1, -1, -1});

    std::unique_ptr<Scheduler> scheduler = makeScheduler(r.sampler, r.scheduler ? *r.scheduler : m.scheduler, r.samplerOptions);
    scheduler->setTimesteps(r.steps);
    const torch::Tensor noise = r.latents.to(torch::kFloat);
    torch::Tensor latents;
    int first = 0;
    if (r.image.defined()) {
        first = scheduler->firstStep(r.strength);
        const torch::Tensor pixels = r.image.to(device, dtype);
        const torch::Tensor x0 =
            (r.vaeTiling ? m.vae->encodeTiled(pixels) : m.vae->encode(pixels)).mean.to(torch::kFloat).cpu() * scaling;
        latents = scheduler->addNoise(x0, noise, first);
    } else {
        latents = noise * static_cast<double>(scheduler->initNoiseSigma());
    }
    // The modules' holders share the modules (forward is not const).
    UNet2DConditionModel unet = m.unet;
    ControlNetModel controlnet = m.controlnet;
    const int total = scheduler->numSteps() - first;
    const auto& timesteps = scheduler->timesteps();
    for (int i = first; i < scheduler->numSteps(); ++i) {
        if (cancelled())
            throw Cancelled();
        const torch::Tensor input = scheduler->scaleModelInput(latents, i).to(device, dtype).expand({batch, -1, -1, -1});
        const torch::Tensor t = torch::full({batch}, static_cast<double>(timesteps[static_cast<std::size_t>(i)]),
                                            torch::TensorOptions().dtype(torch::kFloat).device(device));
        torch::Tensor out;
        if (control.defined()) {
            const ControlNetResiduals res = controlnet->forward(input, t, text, control, r.controlScale);
            if (cancelled())
                throw Cancelled();
            out = unet->forward(input, t, text, res.down, res.mid);
        } else {
            out = unet->forward(input, t, text);
        }
        out = out.to(torch::kFloat).cpu();
        if (guided) {
            const torch::Tensor uncond = out.narrow(0, 0, 1), cond = out.narrow(0, 1, 1);
            out = uncond + (cond - uncond) * r.guidance;
        }
        const StepResult step = scheduler->step(out, i, latents, r.noise);
        latents = step.prevSample;
        if (hook)
            hook(i - first + 1, total, step.predOriginalSample);
    }
    if (cancelled())
        throw Cancelled();
    const torch::Tensor z = (latents / scaling).to(device, dtype);
    const torch::Tensor image = (r.vaeTiling ? m.vae->decodeTiled(z) : m.vae->decode(z)).to(torch::kFloat).cpu();
    return (image / 2.0 + 0.5).clamp(0.0, 1.0);
}

}  // namespace sem::diffusion::sd

#include "FullSizeClipVae.h"

#include <torch/torch.h>

#include "diffusion/sd/AutoencoderKL.h"
#include "diffusion/sd/ClipTextModel.h"

namespace sem::test::fullsize {

namespace {

using namespace sem::diffusion::sd;

ModuleTensors describe(const torch::nn::Module& module) {
    ModuleTensors out;
    for (const auto& p : module.named_parameters(true)) {
        out.shapes[p.key()] = p.value().sizes().vec();
        out.parameters += p.value().numel();
    }
    for (const auto& b : module.named_buffers(true))
        out.shapes[b.key()] = b.value().sizes().vec();
    return out;
}

}  // namespace

ModuleTensors clipTextTensors() {
    torch::NoGradGuard noGrad;
    const ClipTextConfig config;
    ModuleTensors out = describe(*ClipTextModel(config, ModuleInit::Uninitialised));
    out.configParameters = config.parameterCount();
    return out;
}

ModuleTensors vaeTensors() {
    torch::NoGradGuard noGrad;
    const VaeConfig config;
    ModuleTensors out = describe(*AutoencoderKL(config, ModuleInit::Uninitialised));
    out.configParameters = config.parameterCount();
    return out;
}

}  // namespace sem::test::fullsize

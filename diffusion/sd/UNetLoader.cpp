#include "diffusion/sd/UNetLoader.h"

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/SingleFileKeyMap.h"

namespace sem::diffusion::sd {

namespace {

const char* kWeightsFile = "/diffusion_pytorch_model.safetensors";

// [C, C, 1, 1] <-> [C, C] when only the trailing 1x1 differs (proj_in/proj_out: 1x1 conv vs Linear).
torch::Tensor adaptShape(const torch::Tensor& t, at::IntArrayRef target) {
    if (t.sizes() == target)
        return t;
    if (t.dim() == 4 && target.size() == 2 && t.size(2) == 1 && t.size(3) == 1 && t.size(0) == target[0] &&
        t.size(1) == target[1])
        return t.reshape(target);
    if (t.dim() == 2 && target.size() == 4 && target[2] == 1 && target[3] == 1 && t.size(0) == target[0] &&
        t.size(1) == target[1])
        return t.reshape(target);
    return t;  // loadStateDict reports the mismatch
}

bool isProjection(const std::string& name) {
    const auto ends = [&](const std::string& s) {
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return ends(".proj_in.weight") || ends(".proj_out.weight");
}

}  // namespace

StateDict singleFileStateDict(const SafeTensors& file, const UNetConfig& config, const torch::nn::Module& module,
                              const std::string& what) {
    const std::string prefix =
        config.kind == UNetConfig::Kind::UNet ? kUNetSingleFilePrefix : kControlNetSingleFilePrefix;
    std::map<std::string, torch::Tensor> targets;
    for (const auto& p : module.named_parameters(true))
        targets.emplace(p.key(), p.value());
    // Map every name first: a name the map does not know is refused before any tensor is converted.
    std::map<std::string, std::string> names;  // original (with prefix) -> diffusers
    for (const auto& [name, entry] : file.entries()) {
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const auto mapped = originalToDiffusersName(name.substr(prefix.size()), config);
        if (!mapped)
            throw Error(what + ": the checkpoint holds the tensor '" + name + "', which this model does not have.");
        if (!names.emplace(name, *mapped).second)
            throw Error(what + ": the checkpoint holds '" + name + "' twice.");
    }
    if (names.empty())
        throw Error(what + ": the checkpoint holds no tensor named " + prefix + "*.");
    StateDict dict;
    for (const auto& [original, name] : names) {
        torch::Tensor t = tensorView(file, original);  // converted as loadStateDict copies it
        const auto target = targets.find(name);
        if (target != targets.end() && isProjection(name))
            t = adaptShape(t, target->second.sizes());
        if (!dict.emplace(name, std::move(t)).second)
            throw Error(what + ": two tensors of the checkpoint map to '" + name + "'.");
    }
    return dict;
}

UNet2DConditionModel loadUNetFolder(const std::string& folder) {
    const UNetConfig config = UNetConfig::fromFile(folder + "/config.json", UNetConfig::Kind::UNet, "unet");
    const SafeTensors file = SafeTensors::map(folder + kWeightsFile);
    UNet2DConditionModel model(config);
    loadStateDict(*model, stateDictViews(file), "unet");
    model->eval();
    return model;
}

ControlNetModel loadControlNetFolder(const std::string& folder) {
    const UNetConfig config = UNetConfig::fromFile(folder + "/config.json", UNetConfig::Kind::ControlNet, "controlnet");
    const SafeTensors file = SafeTensors::map(folder + kWeightsFile);
    ControlNetModel model(config);
    loadStateDict(*model, stateDictViews(file), "controlnet");
    model->eval();
    return model;
}

UNet2DConditionModel loadUNetSingleFile(const SafeTensors& file, const UNetConfig& config) {
    UNet2DConditionModel model(config);
    loadStateDict(*model, singleFileStateDict(file, config, *model, "unet"), "unet");
    model->eval();
    return model;
}

ControlNetModel loadControlNetSingleFile(const SafeTensors& file, const UNetConfig& config) {
    ControlNetModel model(config);
    loadStateDict(*model, singleFileStateDict(file, config, *model, "controlnet"), "controlnet");
    model->eval();
    return model;
}

}  // namespace sem::diffusion::sd

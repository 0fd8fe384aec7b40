#include "diffusion/sd/ClipVaeWeights.h"

#include <filesystem>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace {

namespace fs = std::filesystem;

// The tensors under `prefix`, each renamed by `rename` (std::nullopt: refused, naming the original).
template <typename Rename>
StateDict renamed(const SafeTensors& file, const std::string& prefix, const std::string& part,
                  const std::string& what, Rename rename) {
    // Names first, data after: a bad name is refused before any tensor is converted.
    std::map<std::string, std::string> names;  // original -> ours
    for (const auto& entry : file.entries()) {
        const std::string& name = entry.first;
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const auto ours = rename(name.substr(prefix.size()));
        if (!ours)
            throw Error(part + ": the checkpoint's tensor '" + name + "' is not a " + what + " tensor.");
        names.emplace(name, *ours);
    }
    if (names.empty())
        throw Error(part + ": the checkpoint holds no tensor named '" + prefix + "...'.");
    const StateDict raw = stateDictFromFile(file, prefix);
    StateDict dict;
    for (const auto& [original, ours] : names)
        if (!dict.emplace(ours, raw.at(original.substr(prefix.size()))).second)
            throw Error(part + ": the checkpoint holds two tensors for '" + ours + "'.");
    return dict;
}

std::string weightsFile(const std::string& folder, const std::string& stem, const std::string& part) {
    for (const std::string& name : {stem + ".safetensors", stem + ".fp16.safetensors"}) {
        const fs::path path = fs::path(folder) / name;
        std::error_code ec;
        if (fs::is_regular_file(path, ec))
            return path.string();
    }
    throw Error(part + ": the folder '" + folder + "' has neither " + stem + ".safetensors nor " + stem +
                ".fp16.safetensors.");
}

std::string configFile(const std::string& folder, const std::string& part) {
    const fs::path path = fs::path(folder) / "config.json";
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error(part + ": the folder '" + folder + "' has no config.json.");
    return path.string();
}

}  // namespace

StateDict clipTextWeightsFromSingleFile(const SafeTensors& file, const std::string& prefix) {
    return renamed(file, prefix, "text encoder", "CLIP text encoder", clipTextDiffusersName);
}

StateDict vaeWeightsFromSingleFile(const SafeTensors& file, const VaeConfig& config, const std::string& prefix) {
    const int blocks = config.blockCount();
    StateDict dict = renamed(file, prefix, "vae", "VAE",
                             [blocks](const std::string& name) { return vaeDiffusersName(name, blocks); });
    for (auto& [name, tensor] : dict)
        if (isVaeAttentionProjection(name) && tensor.dim() == 4 && tensor.size(2) == 1 && tensor.size(3) == 1)
            tensor = tensor.reshape({tensor.size(0), tensor.size(1)});  // 1x1 conv -> linear
    return dict;
}

ClipTextModel loadClipTextModel(const std::string& folder) {
    const ClipTextConfig config = ClipTextConfig::load(configFile(folder, "text encoder"));
    const SafeTensors file = SafeTensors::read(weightsFile(folder, "model", "text encoder"));
    ClipTextModel model(config, ModuleInit::Uninitialised);
    model->loadWeights(stateDictFromFile(file));
    return model;
}

AutoencoderKL loadAutoencoderKL(const std::string& folder) {
    const VaeConfig config = VaeConfig::load(configFile(folder, "vae"));
    const SafeTensors file = SafeTensors::read(weightsFile(folder, "diffusion_pytorch_model", "vae"));
    AutoencoderKL model(config, ModuleInit::Uninitialised);
    model->loadWeights(stateDictFromFile(file));
    return model;
}

ClipTextModel loadClipTextModel(const SafeTensors& checkpoint, const ClipTextConfig& config) {
    config.validate();
    const StateDict dict = clipTextWeightsFromSingleFile(checkpoint);
    ClipTextModel model(config, ModuleInit::Uninitialised);
    model->loadWeights(dict);
    return model;
}

AutoencoderKL loadAutoencoderKL(const SafeTensors& checkpoint, const VaeConfig& config) {
    config.validate();
    const StateDict dict = vaeWeightsFromSingleFile(checkpoint, config);
    AutoencoderKL model(config, ModuleInit::Uninitialised);
    model->loadWeights(dict);
    return model;
}

}  // namespace sem::diffusion::sd

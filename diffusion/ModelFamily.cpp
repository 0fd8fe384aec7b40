#include "diffusion/ModelFamily.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"

namespace sem::diffusion {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;  // as SafeTensors: the reference's limit

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The tensor names of a safetensors file, from its header alone.
std::vector<std::string> tensorNames(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("model: cannot open '" + path.string() + "'.");
    std::array<unsigned char, 8> length{};
    if (!in.read(reinterpret_cast<char*>(length.data()), 8))
        throw Error("model: '" + path.string() + "' is not a safetensors file (shorter than 8 bytes).");
    std::uint64_t headerBytes = 0;
    for (int i = 7; i >= 0; --i)
        headerBytes = (headerBytes << 8) | length[static_cast<std::size_t>(i)];
    std::error_code ec;
    const std::uintmax_t fileBytes = fs::file_size(path, ec);
    if (ec || headerBytes > kMaxHeaderBytes || headerBytes > fileBytes - 8)
        throw Error("model: '" + path.string() + "' is not a safetensors file (its header length is invalid).");
    std::string header(static_cast<std::size_t>(headerBytes), '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(headerBytes)))
        throw Error("model: '" + path.string() + "' is truncated inside its safetensors header.");
    const nlohmann::json json = nlohmann::json::parse(header, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw Error("model: '" + path.string() + "' is not a safetensors file (its header is not a JSON object).");
    std::vector<std::string> names;
    for (auto it = json.begin(); it != json.end(); ++it)
        if (it.key() != "__metadata__")
            names.push_back(it.key());
    return names;
}

ModelFamily familyOfCheckpoint(const fs::path& path) {
    bool unet = false, control = false, lora = false;
    for (const std::string& name : tensorNames(path)) {
        unet = unet || startsWith(name, "model.diffusion_model.");
        control = control || startsWith(name, "control_model.") || startsWith(name, "controlnet_");
        lora = lora || name.find("lora_") != std::string::npos;
    }
    if (unet)
        return ModelFamily::StableDiffusion1;
    if (control)
        throw Error("model: '" + path.string() +
                    "' is a ControlNet, not a base model; pass it with --controlnet beside a Stable Diffusion model.");
    if (lora)
        throw Error("model: '" + path.string() + "' is a LoRA, not a whole model.");
    throw Error("model: '" + path.string() +
                "' holds no model this program knows (neither a built-in model with its .json card beside it nor a "
                "Stable Diffusion checkpoint with model.diffusion_model.* tensors).");
}

}  // namespace

std::string familyName(ModelFamily family) {
    switch (family) {
    case ModelFamily::BuiltIn: return "built-in";
    case ModelFamily::StableDiffusion1: return "sd1";
    }
    return "unknown";
}

ModelFamily detectModelFamily(const std::string& pathText) {
    const fs::path path(pathText);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (fs::is_regular_file(path / "model.safetensors", ec) || fs::is_regular_file(path / "model.json", ec))
            return ModelFamily::BuiltIn;
        if (fs::is_regular_file(path / "model_index.json", ec) || fs::is_directory(path / "unet", ec))
            return ModelFamily::StableDiffusion1;
        throw Error("model: the folder '" + pathText +
                    "' holds neither a built-in model (model.safetensors + model.json) nor a diffusers Stable "
                    "Diffusion folder (model_index.json, unet/).");
    }
    if (!fs::is_regular_file(path, ec))
        throw Error("model: '" + pathText + "' does not exist.");
    if (path.extension() == ".json") {
        // A model set: a small JSON file naming the parts of one model (diffusion/sd/SdModelParts.h).
        const auto bytes = readWholeFile(pathText, 1u << 20, "model set");
        const nlohmann::json json = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
        if (json.is_discarded() || !json.is_object() || !json.contains("family") || !json["family"].is_string())
            throw Error("model set: '" + pathText + "' is not a model set (a JSON object with a \"family\").");
        if (json["family"].get<std::string>() == "sd1")
            return ModelFamily::StableDiffusion1;
        throw Error("model set: the family '" + json["family"].get<std::string>() +
                    "' is not one this program knows (\"sd1\").");
    }
    fs::path card = path;
    card.replace_extension(".json");
    if (fs::is_regular_file(card, ec))
        return ModelFamily::BuiltIn;
    return familyOfCheckpoint(path);
}

}  // namespace sem::diffusion

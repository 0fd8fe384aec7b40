#include "diffusion/sd/SdModelParts.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"

namespace sem::diffusion::sd {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxModelSetBytes = 1u << 20;
// "ladder": the model's rate ladder (core/pipeline/ModelLadder.h), read by the encoder, not here.
const char* const kKeys[] = {"family", "name", "base", "controlnet", "vae", "tokenizer", "scheduler", "config", "ladder"};

std::string absolute(const std::string& path, const std::string& directory) {
    fs::path p(path);
    if (p.is_relative() && !directory.empty())
        p = fs::path(directory) / p;
    return p.lexically_normal().string();
}

void requireExists(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error("model: the " + what + " '" + path + "' does not exist.");
}

bool isModelSetFile(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".json";
}

void addFolderFiles(const fs::path& folder, std::vector<std::string>& out) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        if (fs::is_regular_file(folder, ec))
            out.push_back(folder.string());
        return;
    }
    for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec))
            continue;
        const std::string ext = it->path().extension().string();
        if (ext == ".safetensors" || ext == ".json" || ext == ".txt" || ext == ".gz")
            out.push_back(it->path().string());
    }
}

std::uint64_t hashBytes(const std::vector<char>& bytes, std::uint64_t hash) {
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

std::uint64_t hashFile(const std::string& path, std::uint64_t hash) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    std::ifstream in(path, std::ios::binary);
    if (ec || !in)
        throw Error("model: cannot read '" + path + "'.");
    const std::string fileName = fs::path(path).filename().string() + "\n" + std::to_string(size) + "\n";
    hash = hashBytes(std::vector<char>(fileName.begin(), fileName.end()), hash);
    auto sample = [&](std::uintmax_t offset, std::uintmax_t length) {
        std::vector<char> bytes(static_cast<std::size_t>(std::min<std::uintmax_t>(length, size - std::min(offset, size))));
        in.seekg(static_cast<std::streamoff>(offset));
        if (!bytes.empty() && !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
            throw Error("model: cannot read '" + path + "'.");
        hash = hashBytes(bytes, hash);
    };
    sample(0, 64u << 10);
    if (size > (64u << 10)) {
        sample(size / 2, 4u << 10);
        sample(size > (4u << 10) ? size - (4u << 10) : 0, 4u << 10);
    }
    return hash;
}

}  // namespace

std::string SdModelParts::modelId() const {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (const std::string& file : files())
        hash = hashFile(file, hash);
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

SdModelParts SdModelParts::parseModelSet(const std::string& text, const std::string& directory) {
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw Error("model set: the file is not a JSON object.");
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (std::find(std::begin(kKeys), std::end(kKeys), it.key()) == std::end(kKeys))
            throw Error("model set: unknown key '" + it.key() + "'.");
        if (!it.value().is_string())
            throw Error("model set: '" + it.key() + "' must be a string.");
        if (it.value().get<std::string>().size() > 4096)
            throw Error("model set: '" + it.key() + "' is longer than 4096 characters.");
    }
    if (!json.contains("family"))
        throw Error("model set: the 'family' key is missing (\"sd1\" for Stable Diffusion 1.x).");
    const std::string family = json["family"].get<std::string>();
    if (family != "sd1")
        throw Error("model set: the family '" + family + "' is not one this program knows (\"sd1\").");
    if (!json.contains("base") || json["base"].get<std::string>().empty())
        throw Error("model set: the 'base' key (the Stable Diffusion checkpoint or diffusers folder) is missing.");
    SdModelParts parts;
    auto get = [&](const char* key) {
        return json.contains(key) && !json[key].get<std::string>().empty()
                   ? absolute(json[key].get<std::string>(), directory)
                   : std::string();
    };
    parts.base = get("base");
    parts.controlnet = get("controlnet");
    parts.vae = get("vae");
    parts.tokenizer = get("tokenizer");
    parts.scheduler = get("scheduler");
    parts.config = get("config");
    parts.name = json.contains("name") ? json["name"].get<std::string>() : std::string();
    return parts;
}

SdModelParts SdModelParts::locate(const std::string& path, const std::string& controlnet) {
    SdModelParts parts;
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_regular_file(p, ec) && isModelSetFile(p)) {
        const auto bytes = readWholeFile(path, kMaxModelSetBytes, "model set");
        parts = parseModelSet(std::string(bytes.begin(), bytes.end()), p.parent_path().string());
        if (parts.name.empty())
            parts.name = p.stem().string();
    } else {
        requireExists(path, "model");
        parts.base = p.lexically_normal().string();
    }
    requireExists(parts.base, "base model");
    parts.baseIsFolder = fs::is_directory(parts.base, ec);
    if (parts.name.empty()) {
        fs::path base = fs::path(parts.base);
        if (!base.has_filename())
            base = base.parent_path();
        parts.name = parts.baseIsFolder ? base.filename().string() : base.stem().string();
    }
    if (parts.baseIsFolder) {
        for (const char* sub : {"unet", "vae", "text_encoder"})
            if (!fs::is_directory(fs::path(parts.base) / sub, ec))
                throw Error("model: the diffusers folder '" + parts.base + "' has no " + sub + "/ folder.");
        if (parts.controlnet.empty() && fs::is_directory(fs::path(parts.base) / "controlnet", ec))
            parts.controlnet = (fs::path(parts.base) / "controlnet").string();
    }
    if (!controlnet.empty())
        parts.controlnet = fs::path(controlnet).lexically_normal().string();
    if (!parts.controlnet.empty())
        requireExists(parts.controlnet, "ControlNet");
    if (!parts.vae.empty())
        requireExists(parts.vae, "VAE");
    if (!parts.tokenizer.empty())
        requireExists(parts.tokenizer, "tokenizer");
    if (!parts.scheduler.empty())
        requireExists(parts.scheduler, "scheduler config");
    if (!parts.config.empty()) {
        if (parts.baseIsFolder)
            throw Error("model set: 'config' is for a single-file base; a diffusers folder has its own configs.");
        if (!fs::is_directory(parts.config, ec))
            throw Error("model: the config folder '" + parts.config + "' does not exist.");
    }
    return parts;
}

std::vector<std::string> SdModelParts::files() const {
    std::vector<std::string> out;
    if (baseIsFolder) {
        for (const char* sub : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"})
            addFolderFiles(fs::path(base) / sub, out);
    } else {
        out.push_back(base);
    }
    std::error_code ec;
    if (!config.empty())
        for (const char* sub : {"unet", "vae", "text_encoder", "controlnet", "scheduler"})
            for (const char* file : {"config.json", "scheduler_config.json"})
                if (fs::is_regular_file(fs::path(config) / sub / file, ec))
                    out.push_back((fs::path(config) / sub / file).string());
    for (const std::string* part : {&controlnet, &vae, &tokenizer, &scheduler})
        if (!part->empty())
            addFolderFiles(*part, out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace sem::diffusion::sd

#include "diffusion/builtin/ModelConfig.h"

#include <cstdint>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"
#include "diffusion/common/ConfigFields.h"

namespace sem::diffusion {

namespace {

using nlohmann::json;

constexpr int kCardFormatVersion = 1;
constexpr std::uint64_t kMaxCardBytes = 64ull << 20;

void require(bool ok, const std::string& what) {
    if (!ok)
        throw Error("model card: " + what + ".");
}

[[noreturn]] void wrongType(const char* key) {
    throw Error(std::string("model card: field '") + key + "' has the wrong type.");
}

template <typename T>
T field(const json& object, const char* key, const T& fallback) {
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    if constexpr (std::is_same_v<T, int>) {
        int value = 0;
        if (!config_fields::jsonToInt(*it, value))
            throw Error(std::string("model card: field '") + key + "' must be an integer in the range of int.");
        return value;
    } else if constexpr (std::is_same_v<T, std::vector<int>>) {
        if (!it->is_array())
            wrongType(key);
        std::vector<int> values;
        for (const json& element : *it) {
            int value = 0;
            if (!config_fields::jsonToInt(element, value))
                throw Error(std::string("model card: field '") + key + "' must list integers in the range of int.");
            values.push_back(value);
        }
        return values;
    } else {
        try {
            return it->template get<T>();
        } catch (const json::exception&) {
            wrongType(key);
        }
    }
}

}  // namespace

std::string predictionName(Prediction prediction) {
    return prediction == Prediction::V ? "v" : prediction == Prediction::X0 ? "x0" : "eps";
}

bool predictionFromName(const std::string& name, Prediction& prediction) {
    for (const Prediction p : {Prediction::Epsilon, Prediction::V, Prediction::X0})
        if (name == predictionName(p)) {
            prediction = p;
            return true;
        }
    return false;
}

int ModelConfig::downsampling() const {
    return unshuffle * (1 << (static_cast<int>(channels.size()) - 1));
}

void ModelConfig::validate() const {
    require(unshuffle == 1 || unshuffle == 2 || unshuffle == 4 || unshuffle == 8,
            "unshuffle must be 1, 2, 4 or 8");
    require(!channels.empty() && channels.size() <= 5, "channels must list 1 to 5 levels");
    require(groups >= 1 && groups <= 64, "groups must be in 1..64");
    for (const int c : channels)
        require(c >= groups && c <= 2048 && c % groups == 0,
                "every channel count must be a multiple of groups and at most 2048");
    require(resBlocksPerLevel >= 1 && resBlocksPerLevel <= 8, "resBlocksPerLevel must be in 1..8");
    require(midBlocks >= 0 && midBlocks <= 8, "midBlocks must be in 0..8");
    require(attentionHeads >= 1 && channels.back() % attentionHeads == 0,
            "the last channel count must be a multiple of attentionHeads");
    require(timeEmbedding >= 8 && timeEmbedding <= 4096 && timeEmbedding % 2 == 0,
            "timeEmbedding must be even and in 8..4096");
    require(textWidth >= 8 && textWidth <= 2048, "textWidth must be in 8..2048");
    require(textHeads >= 1 && textWidth % textHeads == 0, "textWidth must be a multiple of textHeads");
    require(textLayers >= 0 && textLayers <= 16, "textLayers must be in 0..16");
    require(maxTokens >= 1 && maxTokens <= 1024, "maxTokens must be in 1..1024");
    require(timesteps >= 2 && timesteps <= 100000, "timesteps must be in 2..100000");
    require(captionPriorGrid >= 0 && captionPriorGrid <= 16,
            "captionPrior must be 0 (none) or a grid side in 1..16");
}

std::string ModelCard::toJson() const {
    json card;
    card["format"] = "semcompress-diffusion";
    card["formatVersion"] = kCardFormatVersion;
    card["name"] = name;
    card["architecture"] = {
        {"type", "pixel-unet"},
        {"unshuffle", config.unshuffle},
        {"channels", config.channels},
        {"resBlocksPerLevel", config.resBlocksPerLevel},
        {"midBlocks", config.midBlocks},
        {"groups", config.groups},
        {"attentionHeads", config.attentionHeads},
        {"timeEmbedding", config.timeEmbedding},
        {"textWidth", config.textWidth},
        {"textLayers", config.textLayers},
        {"textHeads", config.textHeads},
    };
    if (config.hintResidual)  // written only when set: older cards stay byte-identical
        card["architecture"]["hintResidual"] = true;
    if (config.edgeGuidance)
        card["architecture"]["edgeGuidance"] = true;
    if (config.captionPriorGrid > 0)
        card["architecture"]["captionPrior"] = config.captionPriorGrid;
    card["tokenizer"] = {{"type", "word"}, {"maxTokens", config.maxTokens}, {"vocabulary", vocabulary}};
    card["prediction"] = predictionName(config.prediction);
    card["schedule"] = {{"type", "cosine"}, {"timesteps", config.timesteps}};
    card["training"] = {{"data", training.data},
                        {"command", training.command},
                        {"metrics", training.metrics},
                        {"notes", training.notes}};
    return card.dump(2);
}

ModelCard ModelCard::fromJson(const std::string& text) {
    json card;
    try {
        card = json::parse(text);
    } catch (const json::exception&) {
        throw Error("model card: the file is not valid JSON.");
    }
    require(card.is_object(), "the top level must be a JSON object");
    require(field<std::string>(card, "format", "") == "semcompress-diffusion",
            "'format' must be \"semcompress-diffusion\"");
    require(field<int>(card, "formatVersion", 0) == kCardFormatVersion, "unsupported formatVersion");

    ModelCard result;
    result.name = field<std::string>(card, "name", result.name);
    const json arch = field<json>(card, "architecture", json::object());
    require(arch.is_object(), "'architecture' must be an object");
    require(field<std::string>(arch, "type", "") == "pixel-unet", "architecture type must be \"pixel-unet\"");
    ModelConfig& c = result.config;
    c.unshuffle = field<int>(arch, "unshuffle", c.unshuffle);
    c.channels = field<std::vector<int>>(arch, "channels", c.channels);
    c.resBlocksPerLevel = field<int>(arch, "resBlocksPerLevel", c.resBlocksPerLevel);
    c.midBlocks = field<int>(arch, "midBlocks", c.midBlocks);
    c.groups = field<int>(arch, "groups", c.groups);
    c.attentionHeads = field<int>(arch, "attentionHeads", c.attentionHeads);
    c.timeEmbedding = field<int>(arch, "timeEmbedding", c.timeEmbedding);
    c.textWidth = field<int>(arch, "textWidth", c.textWidth);
    c.textLayers = field<int>(arch, "textLayers", c.textLayers);
    c.textHeads = field<int>(arch, "textHeads", c.textHeads);
    c.hintResidual = field<bool>(arch, "hintResidual", c.hintResidual);
    c.captionPriorGrid = field<int>(arch, "captionPrior", c.captionPriorGrid);
    c.edgeGuidance = field<bool>(arch, "edgeGuidance", c.edgeGuidance);

    const json tok = field<json>(card, "tokenizer", json::object());
    require(tok.is_object() && field<std::string>(tok, "type", "") == "word",
            "tokenizer type must be \"word\"");
    c.maxTokens = field<int>(tok, "maxTokens", c.maxTokens);
    result.vocabulary = field<std::vector<std::string>>(tok, "vocabulary", {});
    require(result.vocabulary.size() <= 1000000, "the vocabulary has more than 1000000 words");

    require(predictionFromName(field<std::string>(card, "prediction", "eps"), c.prediction),
            "'prediction' must be \"eps\", \"v\" or \"x0\"");
    const json schedule = field<json>(card, "schedule", json::object());
    require(schedule.is_object() && field<std::string>(schedule, "type", "cosine") == "cosine",
            "the only supported schedule is \"cosine\"");
    c.timesteps = field<int>(schedule, "timesteps", c.timesteps);

    const json training = field<json>(card, "training", json::object());
    require(training.is_object(), "'training' must be an object");
    result.training.data = field<std::string>(training, "data", "");
    result.training.command = field<std::string>(training, "command", "");
    result.training.metrics = field<std::map<std::string, double>>(training, "metrics", {});
    result.training.notes = field<std::string>(training, "notes", "");
    c.validate();
    return result;
}

ModelCard ModelCard::load(const std::string& path) {
    const auto bytes = readWholeFile(path, kMaxCardBytes, "model card");
    return fromJson(std::string(bytes.begin(), bytes.end()));
}

void ModelCard::save(const std::string& path) const {
    const std::string text = toJson() + "\n";
    writeFileAtomically(path, std::vector<std::uint8_t>(text.begin(), text.end()), "model card");
}

ModelConfig defaultModelConfig() {
    return ModelConfig{};
}

ModelConfig tinyModelConfig() {
    ModelConfig c;
    c.unshuffle = 2;
    c.channels = {16, 32, 32};
    c.resBlocksPerLevel = 1;
    c.midBlocks = 1;
    c.groups = 8;
    c.attentionHeads = 2;
    c.timeEmbedding = 32;
    c.textWidth = 32;
    c.textLayers = 1;
    c.textHeads = 2;
    c.maxTokens = 16;
    return c;
}

}  // namespace sem::diffusion

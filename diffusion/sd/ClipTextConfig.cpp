#include "diffusion/sd/ClipTextConfig.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"
#include "diffusion/common/ConfigFields.h"

namespace sem::diffusion::sd {

namespace {

using nlohmann::json;
namespace cf = config_fields;

const std::string kPart = "text encoder config";

// Hard limits, far above any published CLIP text tower (bigG: 1280 wide, 32 layers, 5120 MLP).
constexpr int kMaxVocab = 1000000;
constexpr int kMaxWidth = 16384;
constexpr int kMaxLayers = 256;
constexpr int kMaxPositions = 16384;
constexpr std::int64_t kMaxParameters = 4000000000LL;  // 16 GB of float32

void require(bool ok, const std::string& what) {
    if (!ok)
        throw Error(kPart + ": " + what + ".");
}

std::string inRange(const char* key, int value, int lo, int hi) {
    return std::string(key) + " " + std::to_string(value) + " is outside " + std::to_string(lo) + ".." +
           std::to_string(hi);
}

}  // namespace

std::int64_t ClipTextConfig::parameterCount() const {
    const std::int64_t w = hiddenSize, m = intermediateSize;
    const std::int64_t layer = 4 * (w * w + w)    // q, k, v, out projections
                               + (w * m + m) + (m * w + w)  // fc1, fc2
                               + 2 * 2 * w;       // layer_norm1, layer_norm2
    return static_cast<std::int64_t>(vocabSize) * w + static_cast<std::int64_t>(maxPositions) * w +
           numLayers * layer + 2 * w;
}

void ClipTextConfig::validate() const {
    require(vocabSize >= 1 && vocabSize <= kMaxVocab, inRange("vocab_size", vocabSize, 1, kMaxVocab));
    require(hiddenSize >= 1 && hiddenSize <= kMaxWidth, inRange("hidden_size", hiddenSize, 1, kMaxWidth));
    require(intermediateSize >= 1 && intermediateSize <= 4 * kMaxWidth,
            inRange("intermediate_size", intermediateSize, 1, 4 * kMaxWidth));
    require(numLayers >= 1 && numLayers <= kMaxLayers, inRange("num_hidden_layers", numLayers, 1, kMaxLayers));
    require(numHeads >= 1 && numHeads <= hiddenSize, inRange("num_attention_heads", numHeads, 1, hiddenSize));
    require(hiddenSize % numHeads == 0, "num_attention_heads " + std::to_string(numHeads) +
                                            " does not divide hidden_size " + std::to_string(hiddenSize));
    require(maxPositions >= 1 && maxPositions <= kMaxPositions,
            inRange("max_position_embeddings", maxPositions, 1, kMaxPositions));
    require(std::isfinite(layerNormEps) && layerNormEps > 0.0 && layerNormEps < 1.0,
            "layer_norm_eps must be in (0, 1)");
    require(eosTokenId >= 0, "eos_token_id must not be negative");
    require(parameterCount() <= kMaxParameters, "the model would have more than 4e9 parameters");
}

std::string ClipTextConfig::toJson() const {
    json j = {{"model_type", "clip_text_model"},
              {"architectures", {"CLIPTextModel"}},
              {"vocab_size", vocabSize},
              {"hidden_size", hiddenSize},
              {"intermediate_size", intermediateSize},
              {"num_hidden_layers", numLayers},
              {"num_attention_heads", numHeads},
              {"max_position_embeddings", maxPositions},
              {"hidden_act", activation == Activation::Gelu ? "gelu" : "quick_gelu"},
              {"layer_norm_eps", layerNormEps},
              {"eos_token_id", eosTokenId}};
    return j.dump(2);
}

ClipTextConfig ClipTextConfig::fromJson(const std::string& text) {
    json object = cf::parseObject(text, kPart);
    const std::string modelType = cf::stringField(object, "model_type", "clip_text_model", kPart);
    if (modelType == "clip") {  // a whole CLIPConfig: its text tower
        const auto it = object.find("text_config");
        require(it != object.end() && it->is_object(), "a \"clip\" config lacks the object 'text_config'");
        json inner = *it;
        object = std::move(inner);
    } else {
        require(modelType == "clip_text_model",
                "model_type '" + modelType + "' is not \"clip_text_model\" (a CLIP text encoder)");
    }
    ClipTextConfig c;
    c.vocabSize = cf::intField(object, "vocab_size", c.vocabSize, kPart);
    c.hiddenSize = cf::intField(object, "hidden_size", c.hiddenSize, kPart);
    c.intermediateSize = cf::intField(object, "intermediate_size", c.intermediateSize, kPart);
    c.numLayers = cf::intField(object, "num_hidden_layers", c.numLayers, kPart);
    c.numHeads = cf::intField(object, "num_attention_heads", c.numHeads, kPart);
    c.maxPositions = cf::intField(object, "max_position_embeddings", c.maxPositions, kPart);
    const std::string act = cf::stringField(object, "hidden_act", "quick_gelu", kPart);
    if (act == "quick_gelu")
        c.activation = Activation::QuickGelu;
    else if (act == "gelu")
        c.activation = Activation::Gelu;
    else
        require(false, "hidden_act '" + act + "' is not supported (quick_gelu or gelu)");
    c.layerNormEps = cf::realField(object, "layer_norm_eps", c.layerNormEps, kPart);
    c.eosTokenId = cf::intField(object, "eos_token_id", c.eosTokenId, kPart);
    c.validate();
    return c;
}

ClipTextConfig ClipTextConfig::load(const std::string& path) {
    return fromJson(cf::readConfigFile(path, kPart));
}

}  // namespace sem::diffusion::sd

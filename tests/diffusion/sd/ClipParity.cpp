#include "ClipParity.h"

#include <torch/torch.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/sd/ClipVaeWeights.h"

namespace sem::test::clip {

namespace {

using namespace sem::diffusion;
using namespace sem::diffusion::sd;

StateDict readDict(const std::string& path) { return stateDictFromFile(SafeTensors::read(path)); }

double rel(const torch::Tensor& ours, const torch::Tensor& ref) {
    if (ours.sizes() != ref.sizes())
        return 1e9;
    return (ours - ref).abs().max().item<double>() / ref.abs().max().item<double>();
}

ClipTextModel fromDict(const StateDict& dict, const ClipTextConfig& config) {
    ClipTextModel model(config, ModuleInit::Random);
    model->loadWeights(dict);
    return model;
}

bool sameParameters(const StateDict& a, const StateDict& b) {
    if (a.size() != b.size())
        return false;
    for (const auto& [name, t] : a)
        if (!b.count(name) || !torch::equal(t, b.at(name)))
            return false;
    return true;
}

}  // namespace

double relativeError(const std::string& fixtures, const std::string& what) {
    torch::NoGradGuard noGrad;
    const StateDict io = readDict(fixtures + "/clip_io.safetensors");
    const torch::Tensor ids = io.at("input_ids").to(torch::kLong);
    const torch::Tensor shortIds = io.at("short_input_ids").to(torch::kLong);
    const ClipTextConfig config = ClipTextConfig::load(fixtures + "/clip/config.json");
    auto both = [&](const ClipTextModel& m, const torch::Tensor& x, const char* hidden, const char* pooled) {
        const ClipTextOutput o = m->forward(x);
        return std::max(rel(o.lastHiddenState, io.at(hidden)), pooled ? rel(o.pooled, io.at(pooled)) : 0.0);
    };
    if (what == "diffusers")
        return both(loadClipTextModel(fixtures + "/clip"), ids, "last_hidden_state", "pooler_output");
    if (what == "diffusers-short")
        return both(loadClipTextModel(fixtures + "/clip"), shortIds, "short_last_hidden_state", "short_pooler_output");
    const StateDict weights = readDict(fixtures + "/clip/model.safetensors");
    if (what == "eos999") {
        ClipTextConfig c = config;
        c.eosTokenId = 999;
        return rel(fromDict(weights, c)->forward(shortIds).pooled, io.at("short_pooler_output_eos999"));
    }
    if (what == "gelu") {
        ClipTextConfig c = config;
        c.activation = ClipTextConfig::Activation::Gelu;
        return both(fromDict(weights, c), ids, "gelu_last_hidden_state", nullptr);
    }
    if (what == "singlefile")
        return both(loadClipTextModel(SafeTensors::read(fixtures + "/tiny_singlefile.safetensors"), config), ids,
                    "last_hidden_state", "pooler_output");
    if (what == "singlefile-fp16")
        return both(loadClipTextModel(SafeTensors::read(fixtures + "/tiny_singlefile_fp16.safetensors"), config), ids,
                    "f16_weights_last_hidden_state", nullptr);
    if (what == "position-ids") {
        StateDict w = weights;
        w["text_model.embeddings.position_ids"] = torch::arange(77, torch::kFloat).view({1, 77});
        return both(fromDict(w, config), ids, "last_hidden_state", "pooler_output");
    }
    if (what == "perturbed-input") {
        torch::Tensor changed = ids.clone();
        changed[0][3] = (changed[0][3].item<std::int64_t>() + 1) % config.vocabSize;
        return both(fromDict(weights, config), changed, "last_hidden_state", nullptr);
    }
    if (what == "perturbed-weight") {
        StateDict w = weights;
        w["text_model.encoder.layers.1.layer_norm2.bias"] = w.at("text_model.encoder.layers.1.layer_norm2.bias") + 1e-2;
        return both(fromDict(w, config), ids, "last_hidden_state", nullptr);
    }
    throw sem::diffusion::Error("clip parity: unknown case '" + what + "'.");
}

std::string loadError(const std::string& fixtures, const std::string& what) {
    torch::NoGradGuard noGrad;
    const ClipTextConfig config = ClipTextConfig::load(fixtures + "/clip/config.json");
    StateDict weights = readDict(fixtures + "/clip/model.safetensors");
    ClipTextModel model(config, ModuleInit::Random);
    const StateDict before = moduleStateDict(*model);
    try {
        if (what == "missing") {
            weights.erase("text_model.final_layer_norm.bias");
            model->loadWeights(weights);
        } else if (what == "extra") {
            weights["text_model.encoder.layers.2.mlp.fc1.bias"] = torch::zeros({37});
            model->loadWeights(weights);
        } else if (what == "shape") {
            weights["text_model.encoder.layers.0.mlp.fc1.weight"] = torch::zeros({36, 32});
            model->loadWeights(weights);
        } else if (what == "singlefile-unknown") {
            const SafeTensors file = SafeTensors::read(fixtures + "/tiny_singlefile.safetensors");
            std::map<std::string, SafeTensors::Tensor> tensors;
            for (const auto& entry : file.entries())
                tensors[entry.first] = {entry.second.shape, file.toFloat(entry.first)};
            tensors["cond_stage_model.transformer.text_projection.weight"] = {{2, 2}, {1, 2, 3, 4}};
            const StateDict dict = clipTextWeightsFromSingleFile(SafeTensors::parse(SafeTensors::serialize(tensors)));
            model->loadWeights(dict);
        } else if (what == "ids-range") {
            model->loadWeights(weights);
            model->forward(torch::full({1, 5}, config.vocabSize, torch::kLong));
            return "";
        } else if (what == "ids-length") {
            model->loadWeights(weights);
            model->forward(torch::zeros({1, config.maxPositions + 1}, torch::kLong));
            return "";
        } else {
            return "unknown case";
        }
    } catch (const sem::diffusion::Error& e) {
        if (what.rfind("ids-", 0) != 0 && !sameParameters(before, moduleStateDict(*model)))
            return "MODULE CHANGED";
        return e.what();
    }
    return "";
}

std::string folderError(const std::string& folder) {
    try {
        loadClipTextModel(folder);
    } catch (const sem::diffusion::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace sem::test::clip

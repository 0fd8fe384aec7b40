#include "VaeParity.h"

#include <torch/torch.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/sd/ClipVaeWeights.h"

namespace sem::test::vae {

namespace {

using sem::diffusion::SafeTensors;
using namespace sem::diffusion::sd;
using DiffusionError = sem::diffusion::Error;

StateDict readDict(const std::string& path) { return stateDictFromFile(SafeTensors::read(path)); }

double rel(const torch::Tensor& ours, const torch::Tensor& ref) {
    if (ours.sizes() != ref.sizes())
        return 1e9;
    return (ours - ref).abs().max().item<double>() / ref.abs().max().item<double>();
}

bool sameParameters(const StateDict& a, const StateDict& b) {
    if (a.size() != b.size())
        return false;
    for (const auto& [name, t] : a)
        if (!b.count(name) || !torch::equal(t, b.at(name)))
            return false;
    return true;
}

double compare(const AutoencoderKL& model, const StateDict& io, const torch::Tensor& image) {
    const LatentDistribution d = model->encode(image);
    double e = std::max(rel(d.mean, io.at("mean")), rel(d.logvar, io.at("logvar")));
    e = std::max(e, rel(model->decode(io.at("mean")), io.at("decoded_mean")));
    return std::max(e, rel(model->decode(io.at("latent")), io.at("decoded_latent")));
}

AutoencoderKL fromDict(const StateDict& dict, const VaeConfig& config) {
    AutoencoderKL model(config, ModuleInit::Random);
    model->loadWeights(dict);
    return model;
}

std::map<std::string, SafeTensors::Tensor> fileTensors(const SafeTensors& file) {
    std::map<std::string, SafeTensors::Tensor> tensors;
    for (const auto& entry : file.entries())
        tensors[entry.first] = {entry.second.shape, file.toFloat(entry.first)};
    return tensors;
}

}  // namespace

double tilingError(const std::string& fixtures, const std::string& what) {
    torch::NoGradGuard noGrad;
    const StateDict io = readDict(fixtures + "/vae_tiling_io.safetensors");
    const AutoencoderKL model = loadAutoencoderKL(fixtures + "/vae");
    if (what == "encode") {
        const LatentDistribution d = model->encodeTiled(io.at("image"));
        return std::max(rel(d.mean, io.at("tiled_mean")), rel(d.logvar, io.at("tiled_logvar")));
    }
    if (what == "decode")
        return rel(model->decodeTiled(io.at("latent")), io.at("tiled_decoded"));
    if (what == "untiled")
        return rel(model->decode(io.at("latent")), io.at("tiled_decoded"));
    if (what == "small") {
        const torch::Tensor z = io.at("latent").slice(2, 0, 8).slice(3, 0, 8);
        return rel(model->decodeTiled(z), model->decode(z));
    }
    return 1e9;
}

double relativeError(const std::string& fixtures, const std::string& what) {
    torch::NoGradGuard noGrad;
    const StateDict io = readDict(fixtures + "/vae_io.safetensors");
    const torch::Tensor image = io.at("image");
    const VaeConfig config = VaeConfig::load(fixtures + "/vae/config.json");
    if (what == "diffusers")
        return compare(loadAutoencoderKL(fixtures + "/vae"), io, image);
    if (what == "singlefile")
        return compare(loadAutoencoderKL(SafeTensors::read(fixtures + "/tiny_singlefile.safetensors"), config), io,
                       image);
    const StateDict weights = readDict(fixtures + "/vae/diffusion_pytorch_model.safetensors");
    if (what == "old-names") {
        StateDict old;
        for (const auto& [name, t] : weights) {
            std::string n = name;
            for (const auto& [from, to] : {std::pair<std::string, std::string>{".to_q.", ".query."},
                                           {".to_k.", ".key."}, {".to_v.", ".value."}, {".to_out.0.", ".proj_attn."}})
                if (const auto at = n.find(from); at != std::string::npos)
                    n.replace(at, from.size(), to);
            old.emplace(n, t);
        }
        if (old.count("decoder.mid_block.attentions.0.query.weight") == 0)
            return 1e9;
        return compare(fromDict(old, config), io, image);
    }
    if (what == "perturbed-input") {
        torch::Tensor changed = image.clone();
        changed[0][1][5][7] += 0.5;
        return compare(fromDict(weights, config), io, changed);
    }
    if (what == "perturbed-weight") {
        StateDict w = weights;
        const std::string name = "decoder.mid_block.attentions.0.to_v.bias";
        w[name] = w.at(name) + 1e-2;
        return compare(fromDict(w, config), io, image);
    }
    throw DiffusionError("vae parity: unknown case '" + what + "'.");
}

double fp16LoadError(const std::string& fixtures) {
    torch::NoGradGuard noGrad;
    const VaeConfig config = VaeConfig::load(fixtures + "/vae/config.json");
    const AutoencoderKL f32 = loadAutoencoderKL(SafeTensors::read(fixtures + "/tiny_singlefile.safetensors"), config);
    const AutoencoderKL f16 =
        loadAutoencoderKL(SafeTensors::read(fixtures + "/tiny_singlefile_fp16.safetensors"), config);
    const StateDict a = moduleStateDict(*f32), b = moduleStateDict(*f16);
    double worst = 0.0;
    for (const auto& [name, t] : a)
        worst = std::max(worst, (t.to(torch::kHalf).to(torch::kFloat) - b.at(name)).abs().max().item<double>());
    return worst;
}

std::string loadError(const std::string& fixtures, const std::string& what) {
    torch::NoGradGuard noGrad;
    const VaeConfig config = VaeConfig::load(fixtures + "/vae/config.json");
    StateDict weights = readDict(fixtures + "/vae/diffusion_pytorch_model.safetensors");
    AutoencoderKL model(config, ModuleInit::Random);
    const StateDict before = moduleStateDict(*model);
    try {
        if (what == "missing") {
            weights.erase("decoder.up_blocks.2.resnets.0.conv_shortcut.bias");
            model->loadWeights(weights);
        } else if (what == "extra") {
            weights["encoder.down_blocks.0.resnets.0.conv_shortcut.weight"] = torch::zeros({8, 8, 1, 1});
            model->loadWeights(weights);
        } else if (what == "shape") {
            weights["encoder.mid_block.attentions.0.to_q.weight"] = torch::zeros({16, 16, 1, 1});
            model->loadWeights(weights);
        } else if (what == "singlefile-unknown" || what == "singlefile-level") {
            auto tensors = fileTensors(SafeTensors::read(fixtures + "/tiny_singlefile.safetensors"));
            if (what == "singlefile-unknown")
                tensors["first_stage_model.loss.logvar"] = {{}, {0.0f}};
            else
                tensors["first_stage_model.decoder.up.3.block.0.norm1.bias"] = {{16}, std::vector<float>(16, 0.0f)};
            model->loadWeights(vaeWeightsFromSingleFile(SafeTensors::parse(SafeTensors::serialize(tensors)), config));
        } else if (what == "encode-size") {
            model->loadWeights(weights);
            model->encode(torch::zeros({1, 3, 16, 18}));
            return "";
        } else if (what == "decode-channels") {
            model->loadWeights(weights);
            model->decode(torch::zeros({1, 3, 4, 4}));
            return "";
        } else {
            return "unknown case";
        }
    } catch (const DiffusionError& e) {
        if (what.rfind("singlefile", 0) == 0 || what == "missing" || what == "extra" || what == "shape")
            if (!sameParameters(before, moduleStateDict(*model)))
                return "MODULE CHANGED";
        return e.what();
    }
    return "";
}

std::string folderError(const std::string& folder) {
    try {
        loadAutoencoderKL(folder);
    } catch (const DiffusionError& e) {
        return e.what();
    }
    return "";
}

std::int64_t parameterCount(const std::string& configJson, std::int64_t* attentionTensors) {
    torch::NoGradGuard noGrad;
    const AutoencoderKL model(VaeConfig::fromJson(configJson), ModuleInit::Uninitialised);
    std::int64_t count = 0, attention = 0;
    for (const auto& p : model->named_parameters(true)) {
        count += p.value().numel();
        attention += p.key().find("attentions") != std::string::npos ? 1 : 0;
    }
    if (attentionTensors)
        *attentionTensors = attention;
    return count;
}

}  // namespace sem::test::vae

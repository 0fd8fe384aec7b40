#include "UNetParity.h"

#include <fstream>
#include <sstream>

#include <torch/torch.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/common/Device.h"
#include "diffusion/sd/UNetLoader.h"

namespace sem::diffusion::sd::test {

namespace {

StateDict io(const std::string& dir) { return stateDictFromFile(SafeTensors::read(dir + "/unet_io.safetensors")); }

double relative(const torch::Tensor& ours, const torch::Tensor& ref) {
    return ((ours - ref).abs().max() / ref.abs().max()).item<double>();
}

// The modules are compared as the backends run them: on the CPU after resolveDevice's check of
// LibTorch's oneDNN convolutions (Debian 13's LibTorch 2.6 gets some wrong, diffusion/common/Device.h).
UNet2DConditionModel unet(const std::string& dir, const std::string& model, Layout layout) {
    guardCpuConvolutions();
    if (layout == Layout::Diffusers)
        return loadUNetFolder(dir + "/" + model);
    const UNetConfig config = UNetConfig::fromFile(dir + "/" + model + "/config.json", UNetConfig::Kind::UNet, "unet");
    return loadUNetSingleFile(SafeTensors::read(dir + "/" + model + "_original.safetensors"), config);
}

ControlNetModel controlnet(const std::string& dir, Layout layout) {
    guardCpuConvolutions();
    if (layout == Layout::Diffusers)
        return loadControlNetFolder(dir + "/controlnet_tiny");
    const UNetConfig config =
        UNetConfig::fromFile(dir + "/controlnet_tiny/config.json", UNetConfig::Kind::ControlNet, "controlnet");
    return loadControlNetSingleFile(SafeTensors::read(dir + "/controlnet_tiny_original.safetensors"), config);
}

torch::Tensor controlImage(const StateDict& d) { return d.at("control").repeat({1, 3, 1, 1}); }

std::vector<torch::Tensor> referenceResiduals(const StateDict& d, const std::string& t) {
    std::vector<torch::Tensor> r;
    for (int i = 0; d.count("cn_" + t + "_down_" + std::to_string(i)); ++i)
        r.push_back(d.at("cn_" + t + "_down_" + std::to_string(i)));
    return r;
}

std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool sameValues(const StateDict& a, const StateDict& b) {
    if (a.size() != b.size())
        return false;
    for (const auto& [k, v] : a)
        if (!b.count(k) || !torch::equal(v, b.at(k)))
            return false;
    return true;
}

}  // namespace

double unetError(const std::string& dir, const std::string& model, Layout layout, const std::string& t, bool odd,
                 double perturb) {
    torch::NoGradGuard noGrad;
    const StateDict d = io(dir);
    auto net = unet(dir, model, layout);
    torch::Tensor sample = d.at(odd ? "sample_odd" : "sample").clone();
    sample.view(-1)[0] += perturb;
    const torch::Tensor out = net(sample, d.at(t), d.at("encoder_hidden_states"));
    const std::string key = (model == "unet_tiny" ? std::string("unet_") : std::string("unet_linear_")) + (odd ? "odd_" : "") + t;
    return relative(out, d.at(key));
}

double chunkedAttentionError(const std::string& dir, long long scoreBudget) {
    torch::NoGradGuard noGrad;
    const StateDict d = io(dir);
    auto net = unet(dir, "unet_tiny", Layout::Diffusers);
    setAttentionScoreBudget(*net, scoreBudget);
    const torch::Tensor out = net(d.at("sample"), d.at("t0"), d.at("encoder_hidden_states"));
    return relative(out, d.at("unet_t0"));
}

double unetWithResidualsError(const std::string& dir, Layout layout, const std::string& t, double perturb) {
    torch::NoGradGuard noGrad;
    const StateDict d = io(dir);
    auto net = unet(dir, "unet_tiny", layout);
    std::vector<torch::Tensor> down = referenceResiduals(d, t);
    down.back() = down.back() + perturb;
    const torch::Tensor out = net(d.at("sample"), d.at(t), d.at("encoder_hidden_states"), down, d.at("cn_" + t + "_mid"));
    return relative(out, d.at("unet_cn_" + t));
}

double controlNetError(const std::string& dir, Layout layout, const std::string& t, double perturb) {
    torch::NoGradGuard noGrad;
    const StateDict d = io(dir);
    auto cn = controlnet(dir, layout);
    torch::Tensor image = controlImage(d);
    image.select(2, 0).add_(perturb);
    const ControlNetResiduals r = cn(d.at("sample"), d.at(t), d.at("encoder_hidden_states"), image, 0.75);
    const std::vector<torch::Tensor> ref = referenceResiduals(d, t);
    if (r.down.size() != ref.size())
        return 1e9;
    double worst = relative(r.mid, d.at("cn_" + t + "_mid"));
    for (std::size_t i = 0; i < ref.size(); ++i)
        worst = std::max(worst, relative(r.down[i], ref[i]));
    return worst;
}

double controlledUNetError(const std::string& dir, Layout layout, const std::string& t, bool blank) {
    torch::NoGradGuard noGrad;
    const StateDict d = io(dir);
    auto cn = controlnet(dir, layout);
    auto net = unet(dir, "unet_tiny", layout);
    checkControlNetFitsUNet(cn->config(), net->config());
    torch::Tensor image = controlImage(d);
    if (blank)
        image.zero_();
    const ControlNetResiduals r = cn(d.at("sample"), d.at(t), d.at("encoder_hidden_states"), image, 0.75);
    const torch::Tensor out = net(d.at("sample"), d.at(t), d.at("encoder_hidden_states"), r.down, r.mid);
    return relative(out, d.at("unet_cn_" + t));
}

std::string badInput(const std::string& dir, const std::string& scenario, bool& unchanged) {
    torch::NoGradGuard noGrad;
    unchanged = true;
    const bool isUNet = scenario.rfind("unet-", 0) == 0;
    const std::string folder = dir + (isUNet ? "/unet_tiny" : "/controlnet_tiny");
    const auto kind = isUNet ? UNetConfig::Kind::UNet : UNetConfig::Kind::ControlNet;
    const std::string what = isUNet ? "unet" : "controlnet";
    try {
        if (scenario == "unet-config" || scenario == "controlnet-config") {
            std::string text = readText(folder + "/config.json");
            text = text.substr(0, text.size() / 2);  // a truncated file
            UNetConfig::fromJson(text, kind, what);
            return "";
        }
        const UNetConfig config = UNetConfig::fromFile(folder + "/config.json", kind, what);
        std::shared_ptr<torch::nn::Module> module;
        if (isUNet)
            module = UNet2DConditionModel(config).ptr();
        else
            module = ControlNetModel(config).ptr();
        const StateDict before = moduleStateDict(*module);
        StateDict weights = stateDictFromFile(SafeTensors::read(folder + "/diffusion_pytorch_model.safetensors"));
        const auto check = [&] { unchanged = sameValues(before, moduleStateDict(*module)); };
        if (scenario == "unet-missing" || scenario == "controlnet-missing") {
            weights.erase(isUNet ? "up_blocks.1.attentions.1.transformer_blocks.0.attn2.to_k.weight"
                                 : "controlnet_down_blocks.3.weight");
        } else if (scenario == "unet-extra") {
            weights.emplace("mid_block.attentions.1.norm.weight", torch::ones({16}));
        } else if (scenario == "unet-shape" || scenario == "controlnet-shape") {
            const std::string name = isUNet ? "down_blocks.1.resnets.0.conv1.weight" : "controlnet_cond_embedding.conv_out.weight";
            weights[name] = weights[name].slice(0, 1);
        } else if (scenario == "unet-unknown-original" || scenario == "controlnet-unknown-original") {
            const SafeTensors file = SafeTensors::read(dir + (isUNet ? "/unet_tiny_original.safetensors" : "/controlnet_tiny_original.safetensors"));
            std::map<std::string, SafeTensors::Tensor> tensors;
            for (const auto& [name, entry] : file.entries())
                tensors[name] = {entry.shape, file.toFloat(name)};
            tensors[isUNet ? "model.diffusion_model.input_blocks.9.0.in_layers.0.weight" : "control_model.zero_convs.9.0.weight"] = {{4}, {1, 2, 3, 4}};
            const SafeTensors bad = SafeTensors::parse(SafeTensors::serialize(tensors));
            try {
                weights = singleFileStateDict(bad, config, *module, what);
            } catch (const Error&) {
                check();
                throw;
            }
        } else if (scenario == "controlnet-wrong-unet") {
            UNetConfig other = UNetConfig::fromFile(dir + "/unet_tiny/config.json", UNetConfig::Kind::UNet, "unet");
            other.blockOutChannels = {8, 24};
            other.normNumGroups = 4;
            checkControlNetFitsUNet(config, other);
            return "";
        } else if (scenario == "residual-count" || scenario == "residual-shape" || scenario == "control-image-size") {
            const StateDict d = io(dir);
            auto net = loadUNetFolder(dir + "/unet_tiny");
            std::vector<torch::Tensor> down = referenceResiduals(d, "t0");
            if (scenario == "residual-count")
                down.pop_back();
            if (scenario == "residual-shape")
                down[2] = down[2].slice(1, 1);
            if (scenario == "control-image-size") {
                auto cn = loadControlNetFolder(dir + "/controlnet_tiny");
                cn(d.at("sample"), d.at("t0"), d.at("encoder_hidden_states"), controlImage(d).slice(2, 8), 1.0);
                return "";
            }
            net(d.at("sample"), d.at("t0"), d.at("encoder_hidden_states"), down, d.at("cn_t0_mid"));
            return "";
        } else {
            return "unknown scenario";
        }
        try {
            loadStateDict(*module, weights, what);
        } catch (const Error&) {
            check();
            throw;
        }
        check();
        return "";
    } catch (const Error& e) {
        return e.what();
    }
}

}  // namespace sem::diffusion::sd::test

#include "FullSizeUNet.h"

#include <fstream>
#include <map>
#include <sstream>

#include <torch/torch.h>

#include "diffusion/sd/ControlNetModel.h"
#include "diffusion/sd/SingleFileKeyMap.h"
#include "diffusion/sd/UNet2DConditionModel.h"

namespace sem::diffusion::sd::test {

namespace {

std::string shapeText(at::IntArrayRef s) {
    std::string t = "[";
    for (std::size_t i = 0; i < s.size(); ++i)
        t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

std::vector<std::vector<std::string>> rows(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::vector<std::string>> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> cols;
        std::stringstream s(line);
        std::string col;
        while (std::getline(s, col, '\t'))
            cols.push_back(col);
        out.push_back(cols);
    }
    return out;
}

}  // namespace

ManifestCheck checkFullSizeAgainstManifest(const std::string& manifest, bool controlnet) {
    ManifestCheck r;
    std::shared_ptr<torch::nn::Module> module;
    if (controlnet)
        module = ControlNetModel(UNetConfig::sd15ControlNet(), Weights::Meta).ptr();
    else
        module = UNet2DConditionModel(UNetConfig::sd15UNet(), Weights::Meta).ptr();
    std::map<std::string, std::string> ours;
    r.metaOnly = true;
    for (const auto& p : module->named_parameters(true)) {
        ours[p.key()] = shapeText(p.value().sizes());
        r.parameters += p.value().numel();
        r.metaOnly = r.metaOnly && p.value().is_meta();
    }
    r.tensors = static_cast<int>(ours.size());
    const auto lines = rows(manifest);
    if (lines.empty()) {
        r.mismatch = "cannot read " + manifest;
        return r;
    }
    std::map<std::string, std::string> theirs;
    for (const auto& cols : lines)
        if (cols.size() >= 2)
            theirs[cols[0]] = cols[1];
    for (const auto& [name, shape] : theirs) {
        const auto it = ours.find(name);
        if (it == ours.end()) {
            r.mismatch = "missing " + name;
            return r;
        }
        if (it->second != shape) {
            r.mismatch = name + " is " + it->second + ", the manifest says " + shape;
            return r;
        }
    }
    for (const auto& [name, shape] : ours)
        if (!theirs.count(name)) {
            r.mismatch = "extra " + name;
            return r;
        }
    return r;
}

std::string checkKeyMap(const std::string& map, bool controlnet, int& checked) {
    const UNetConfig config = controlnet ? UNetConfig::sd15ControlNet() : UNetConfig::sd15UNet();
    const std::string prefix = controlnet ? kControlNetSingleFilePrefix : kUNetSingleFilePrefix;
    checked = 0;
    for (const auto& cols : rows(map)) {
        if (cols.size() < 2 || cols[0].compare(0, prefix.size(), prefix) != 0)
            return "bad line " + (cols.empty() ? std::string() : cols[0]);
        const auto mapped = originalToDiffusersName(cols[0].substr(prefix.size()), config);
        if (!mapped || *mapped != cols[1])
            return cols[0] + " -> " + (mapped ? *mapped : std::string("(nothing)")) + ", expected " + cols[1];
        ++checked;
    }
    return checked ? "" : "cannot read " + map;
}

}  // namespace sem::diffusion::sd::test

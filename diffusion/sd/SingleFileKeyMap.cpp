#include "diffusion/sd/SingleFileKeyMap.h"

#include <cstdlib>
#include <vector>

namespace sem::diffusion::sd {

namespace {

bool startsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Reads "<digits>." at `pos`; returns the number and moves pos past the dot, or -1.
int readIndex(const std::string& s, std::size_t& pos) {
    std::size_t end = pos;
    while (end < s.size() && end - pos < 4 && s[end] >= '0' && s[end] <= '9')
        ++end;
    if (end == pos || end >= s.size() || s[end] != '.' || (s[pos] == '0' && end - pos > 1))
        return -1;
    const int v = std::atoi(s.substr(pos, end - pos).c_str());
    pos = end + 1;
    return v;
}

// The tensors inside one resnet: original sub-name -> diffusers sub-name.
std::optional<std::string> resnetName(const std::string& rest) {
    static const std::vector<std::pair<std::string, std::string>> map = {
        {"in_layers.0.", "norm1."}, {"in_layers.2.", "conv1."},         {"out_layers.0.", "norm2."},
        {"out_layers.3.", "conv2."}, {"emb_layers.1.", "time_emb_proj."}, {"skip_connection.", "conv_shortcut."}};
    for (const auto& [o, d] : map)
        if (startsWith(rest, o) && (rest.substr(o.size()) == "weight" || rest.substr(o.size()) == "bias"))
            return d + rest.substr(o.size());
    return std::nullopt;
}

// A tensor inside a Transformer2DModel: same names in both layouts. Checked loosely (the module load
// reports a name the model lacks).
std::optional<std::string> attentionName(const std::string& rest) {
    if (rest.empty() || rest.find("..") != std::string::npos)
        return std::nullopt;
    return rest;
}

std::optional<std::string> weightOrBias(const std::string& rest, const std::string& diffusersPrefix) {
    if (rest == "weight" || rest == "bias")
        return diffusersPrefix + rest;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> originalToDiffusersName(const std::string& name, const UNetConfig& c) {
    const int n = c.blockCount();
    const int lpb = c.layersPerBlock;
    const bool control = c.kind == UNetConfig::Kind::ControlNet;
    const auto top = [&](const std::string& o, const std::string& d) -> std::optional<std::string> {
        if (startsWith(name, o))
            return weightOrBias(name.substr(o.size()), d);
        return std::nullopt;
    };
    for (const auto& [o, d] : std::vector<std::pair<std::string, std::string>>{
             {"time_embed.0.", "time_embedding.linear_1."}, {"time_embed.2.", "time_embedding.linear_2."},
             {"input_blocks.0.0.", "conv_in."}})
        if (startsWith(name, o))
            return top(o, d);
    if (!control) {
        if (startsWith(name, "out.0."))
            return top("out.0.", "conv_norm_out.");
        if (startsWith(name, "out.2."))
            return top("out.2.", "conv_out.");
    }
    if (startsWith(name, "middle_block.")) {
        std::size_t pos = 13;
        const int k = readIndex(name, pos);
        const std::string rest = name.substr(pos > name.size() ? name.size() : pos);
        if (k == 0 || k == 2) {
            const auto r = resnetName(rest);
            if (r)
                return "mid_block.resnets." + std::to_string(k / 2) + "." + *r;
        } else if (k == 1) {
            const auto a = attentionName(rest);
            if (a)
                return "mid_block.attentions.0." + *a;
        }
        return std::nullopt;
    }
    if (startsWith(name, "input_blocks.")) {
        std::size_t pos = 13;
        const int b = readIndex(name, pos);
        if (b < 1)
            return std::nullopt;
        const int sub = readIndex(name, pos);
        if (sub < 0)
            return std::nullopt;
        const std::string rest = name.substr(pos);
        const int i = (b - 1) / (lpb + 1);  // down block
        const int j = (b - 1) % (lpb + 1);  // layer, or lpb: the downsampler of block i
        if (i >= n)
            return std::nullopt;
        if (j == lpb) {
            if (i >= n - 1 || sub != 0 || !startsWith(rest, "op."))
                return std::nullopt;
            return weightOrBias(rest.substr(3), "down_blocks." + std::to_string(i) + ".downsamplers.0.conv.");
        }
        const std::string block = "down_blocks." + std::to_string(i) + ".";
        if (sub == 0) {
            const auto r = resnetName(rest);
            return r ? std::optional<std::string>(block + "resnets." + std::to_string(j) + "." + *r) : std::nullopt;
        }
        if (sub == 1 && c.crossAttentionDown[static_cast<std::size_t>(i)]) {
            const auto a = attentionName(rest);
            return a ? std::optional<std::string>(block + "attentions." + std::to_string(j) + "." + *a) : std::nullopt;
        }
        return std::nullopt;
    }
    if (!control && startsWith(name, "output_blocks.")) {
        std::size_t pos = 14;
        const int b = readIndex(name, pos);
        if (b < 0)
            return std::nullopt;
        const int sub = readIndex(name, pos);
        if (sub < 0)
            return std::nullopt;
        const std::string rest = name.substr(pos);
        const int i = b / (lpb + 1);  // up block
        const int j = b % (lpb + 1);
        if (i >= n)
            return std::nullopt;
        const bool cross = c.crossAttentionDown[static_cast<std::size_t>(n - 1 - i)];
        const std::string block = "up_blocks." + std::to_string(i) + ".";
        if (sub == 0) {
            const auto r = resnetName(rest);
            return r ? std::optional<std::string>(block + "resnets." + std::to_string(j) + "." + *r) : std::nullopt;
        }
        if (sub == 1 && cross) {
            const auto a = attentionName(rest);
            return a ? std::optional<std::string>(block + "attentions." + std::to_string(j) + "." + *a) : std::nullopt;
        }
        if (sub == (cross ? 2 : 1) && j == lpb && i < n - 1 && startsWith(rest, "conv."))
            return weightOrBias(rest.substr(5), block + "upsamplers.0.conv.");
        return std::nullopt;
    }
    if (control && startsWith(name, "input_hint_block.")) {
        std::size_t pos = 17;
        const int k = readIndex(name, pos);
        const std::string rest = k < 0 ? std::string() : name.substr(pos);
        const int blocks = 2 * (static_cast<int>(c.conditioningEmbeddingOutChannels.size()) - 1);
        if (k < 0 || k % 2 != 0)
            return std::nullopt;
        if (k == 0)
            return weightOrBias(rest, "controlnet_cond_embedding.conv_in.");
        if (k / 2 - 1 < blocks)
            return weightOrBias(rest, "controlnet_cond_embedding.blocks." + std::to_string(k / 2 - 1) + ".");
        if (k / 2 - 1 == blocks)
            return weightOrBias(rest, "controlnet_cond_embedding.conv_out.");
        return std::nullopt;
    }
    if (control && startsWith(name, "zero_convs.")) {
        std::size_t pos = 11;
        const int k = readIndex(name, pos);
        if (k < 0 || k >= c.residualCount() || !startsWith(name.substr(pos), "0."))
            return std::nullopt;
        return weightOrBias(name.substr(pos + 2), "controlnet_down_blocks." + std::to_string(k) + ".");
    }
    if (control && startsWith(name, "middle_block_out.0."))
        return top("middle_block_out.0.", "controlnet_mid_block.");
    return std::nullopt;
}

}  // namespace sem::diffusion::sd

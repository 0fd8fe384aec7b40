#include "diffusion/sd/SingleFileKeys.h"

#include <vector>

namespace sem::diffusion::sd {

namespace {

using Parts = std::vector<std::string>;

Parts split(const std::string& name) {
    Parts parts;
    std::string::size_type start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos)
            return parts;
        start = dot + 1;
    }
}

std::string join(const Parts& parts, std::size_t from = 0) {
    std::string out;
    for (std::size_t i = from; i < parts.size(); ++i)
        out += (out.empty() && i == from ? "" : ".") + parts[i];
    return out;
}

// A decimal index without sign or leading zeros, at most 4 digits ("0", "12"); -1 otherwise.
int index(const std::string& s) {
    if (s.empty() || s.size() > 4 || (s.size() > 1 && s[0] == '0'))
        return -1;
    int value = 0;
    for (const char ch : s) {
        if (ch < '0' || ch > '9')
            return -1;
        value = value * 10 + (ch - '0');
    }
    return value;
}

bool isParameter(const std::string& s) { return s == "weight" || s == "bias"; }

// "norm1.weight", "conv2.bias", "nin_shortcut.weight" (-> conv_shortcut) of a ResnetBlock.
std::optional<std::string> resnetTail(const Parts& p, std::size_t from) {
    if (p.size() != from + 2 || !isParameter(p[from + 1]))
        return std::nullopt;
    const std::string& layer = p[from];
    if (layer == "nin_shortcut")
        return "conv_shortcut." + p[from + 1];
    if (layer == "norm1" || layer == "conv1" || layer == "norm2" || layer == "conv2")
        return layer + "." + p[from + 1];
    return std::nullopt;
}

// The mid-block: "block_1.<resnet>", "block_2.<resnet>", "attn_1.{norm,q,k,v,proj_out}.{weight,bias}".
std::optional<std::string> midBlock(const Parts& p, std::size_t from) {
    if (p.size() <= from)
        return std::nullopt;
    if (p[from] == "block_1" || p[from] == "block_2") {
        const auto tail = resnetTail(p, from + 1);
        if (!tail)
            return std::nullopt;
        return std::string("mid_block.resnets.") + (p[from] == "block_1" ? "0." : "1.") + *tail;
    }
    if (p[from] == "attn_1" && p.size() == from + 3 && isParameter(p[from + 2])) {
        const std::string& layer = p[from + 1];
        std::string ours;
        if (layer == "norm")
            ours = "group_norm";
        else if (layer == "q" || layer == "k" || layer == "v")
            ours = "to_" + layer;
        else if (layer == "proj_out")
            ours = "to_out.0";
        else
            return std::nullopt;
        return "mid_block.attentions.0." + ours + "." + p[from + 2];
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> clipTextDiffusersName(const std::string& original) {
    const Parts p = split(original);
    std::size_t from = 0;
    if (!p.empty() && p[0] == "text_model")
        from = 1;
    if (p.size() < from + 2)
        return std::nullopt;
    const std::string& top = p[from];
    if (top != "embeddings" && top != "encoder" && top != "final_layer_norm")
        return std::nullopt;
    for (const std::string& part : p)
        if (part.empty())
            return std::nullopt;
    return "text_model." + join(p, from);
}

std::optional<std::string> vaeDiffusersName(const std::string& original, int blockCount) {
    const Parts p = split(original);
    if (p.size() == 2 && (p[0] == "quant_conv" || p[0] == "post_quant_conv") && isParameter(p[1]))
        return original;
    if (p.size() < 3 || (p[0] != "encoder" && p[0] != "decoder"))
        return std::nullopt;
    const std::string& side = p[0];
    const bool encoder = side == "encoder";
    if (p.size() == 3 && isParameter(p[2])) {
        if (p[1] == "conv_in" || p[1] == "conv_out")
            return original;
        if (p[1] == "norm_out")
            return side + ".conv_norm_out." + p[2];
        return std::nullopt;
    }
    if (p[1] == "mid") {
        const auto mid = midBlock(p, 2);
        return mid ? std::optional<std::string>(side + "." + *mid) : std::nullopt;
    }
    // encoder.down.I.block.J.<resnet> / encoder.down.I.downsample.conv.<param>, and the decoder's up.
    if (p[1] != (encoder ? "down" : "up") || p.size() < 5)
        return std::nullopt;
    const int level = index(p[2]);
    if (level < 0 || level >= blockCount)
        return std::nullopt;
    const int block = encoder ? level : blockCount - 1 - level;
    const std::string prefix = side + (encoder ? ".down_blocks." : ".up_blocks.") + std::to_string(block) + ".";
    if (p[3] == "block") {
        const int j = index(p[4]);
        const auto tail = resnetTail(p, 5);
        if (j < 0 || !tail)
            return std::nullopt;
        return prefix + "resnets." + std::to_string(j) + "." + *tail;
    }
    if (p[3] == (encoder ? "downsample" : "upsample") && p.size() == 6 && p[4] == "conv" && isParameter(p[5]))
        return prefix + (encoder ? "downsamplers.0.conv." : "upsamplers.0.conv.") + p[5];
    return std::nullopt;
}

std::string vaeCurrentDiffusersName(const std::string& name) {
    Parts p = split(name);
    // side . mid_block . attentions . N . (query | key | value | proj_attn) . (weight | bias)
    if (p.size() != 6 || (p[0] != "encoder" && p[0] != "decoder") || p[1] != "mid_block" || p[2] != "attentions" ||
        index(p[3]) < 0 || !isParameter(p[5]))
        return name;
    if (p[4] == "query")
        p[4] = "to_q";
    else if (p[4] == "key")
        p[4] = "to_k";
    else if (p[4] == "value")
        p[4] = "to_v";
    else if (p[4] == "proj_attn")
        p[4] = "to_out.0";
    else
        return name;
    return join(p);
}

bool isVaeAttentionProjection(const std::string& name) {
    const Parts p = split(name);
    // side . mid_block . attentions . N . (to_q | to_k | to_v | to_out . 0) . weight
    if (p.size() < 6 || (p[0] != "encoder" && p[0] != "decoder") || p[1] != "mid_block" || p[2] != "attentions" ||
        index(p[3]) < 0 || p.back() != "weight")
        return false;
    if (p.size() == 6)
        return p[4] == "to_q" || p[4] == "to_k" || p[4] == "to_v";
    return p.size() == 7 && p[4] == "to_out" && p[5] == "0";
}

}  // namespace sem::diffusion::sd

#include "diffusion/sd/UNetConfig.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace {

using nlohmann::json;

constexpr int kMaxChannels = 8192;
constexpr int kMaxBlocks = 8;
constexpr std::size_t kMaxConfigBytes = 1 << 20;

[[noreturn]] void fail(const std::string& what, const std::string& field, const std::string& problem) {
    throw Error(what + ": config.json field '" + field + "' " + problem + ".");
}

// An integer in [lo, hi]; a float with an integral value (3.0) is accepted, as Python writes them so.
int intField(const json& j, const std::string& what, const std::string& field, int lo, int hi) {
    double v = 0;
    if (j.is_number_integer()) {
        if (j.is_number_unsigned()) {
            const auto u = j.get<std::uint64_t>();
            v = u > 1000000000ULL ? 1e9 : static_cast<double>(u);
        } else {
            const auto s = j.get<std::int64_t>();
            v = s > 1000000000LL ? 1e9 : (s < -1000000000LL ? -1e9 : static_cast<double>(s));
        }
    } else if (j.is_number_float()) {
        v = j.get<double>();
        if (!std::isfinite(v) || v != std::floor(v))
            fail(what, field, "is not an integer");
    } else {
        fail(what, field, "is not a number");
    }
    if (v < lo || v > hi)
        fail(what, field, "is " + j.dump() + ", outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return static_cast<int>(v);
}

double numberField(const json& j, const std::string& what, const std::string& field, double lo, double hi) {
    if (!j.is_number())
        fail(what, field, "is not a number");
    const double v = j.get<double>();
    if (!std::isfinite(v) || v < lo || v > hi)
        fail(what, field, "is " + j.dump() + ", outside the supported range");
    return v;
}

bool boolField(const json& j, const std::string& what, const std::string& field) {
    if (!j.is_boolean())
        fail(what, field, "is not true or false");
    return j.get<bool>();
}

std::string stringField(const json& j, const std::string& what, const std::string& field) {
    if (!j.is_string())
        fail(what, field, "is not a string");
    return j.get<std::string>();
}

std::vector<int> intList(const json& j, const std::string& what, const std::string& field, int lo, int hi) {
    if (!j.is_array() || j.empty() || j.size() > kMaxBlocks)
        fail(what, field, "is not a list of 1 to " + std::to_string(kMaxBlocks) + " numbers");
    std::vector<int> out;
    for (const auto& e : j)
        out.push_back(intField(e, what, field, lo, hi));
    return out;
}

std::vector<std::string> stringList(const json& j, const std::string& what, const std::string& field) {
    if (!j.is_array() || j.empty() || j.size() > kMaxBlocks)
        fail(what, field, "is not a list of 1 to " + std::to_string(kMaxBlocks) + " names");
    std::vector<std::string> out;
    for (const auto& e : j)
        out.push_back(stringField(e, what, field));
    return out;
}

// A field that must be null/absent (an SD feature we do not build), or equal to the one value we support.
void requireNull(const json& j, const std::string& what, const std::string& field) {
    if (j.contains(field) && !j.at(field).is_null())
        fail(what, field, "is " + j.at(field).dump() + "; only null (Stable Diffusion 1.x/2.x) is supported");
}

void requireValue(const json& j, const std::string& what, const std::string& field, const json& value) {
    if (!j.contains(field) || j.at(field).is_null())
        return;
    const json& v = j.at(field);
    const bool same = (value.is_number() && v.is_number()) ? v.get<double>() == value.get<double>() : v == value;
    if (!same)
        fail(what, field, "is " + v.dump() + "; only " + value.dump() + " (Stable Diffusion 1.x/2.x) is supported");
}

void requireFalse(const json& j, const std::string& what, const std::string& field) {
    if (!j.contains(field) || j.at(field).is_null())
        return;
    const json& v = j.at(field);
    if (v.is_array()) {
        for (const auto& e : v)
            if (!e.is_boolean() || e.get<bool>())
                fail(what, field, "is " + v.dump() + "; only false (Stable Diffusion 1.x/2.x) is supported");
        return;
    }
    if (!v.is_boolean() || v.get<bool>())
        fail(what, field, "is " + v.dump() + "; only false (Stable Diffusion 1.x/2.x) is supported");
}

// The part of a config.json that the parsing steps below share.
struct ConfigReader {
    const json& j;
    const std::string& what;
    UNetConfig::Kind kind;
    bool has(const char* f) const { return j.contains(f) && !j.at(f).is_null(); }
};

// _class_name, channels, sample size and the block layout (down and up block types).
void readBlocks(const ConfigReader& r, UNetConfig& c) {
    const json& j = r.j;
    const std::string& what = r.what;
    const auto has = [&](const char* f) { return r.has(f); };
    const UNetConfig::Kind kind = r.kind;
    using Kind = UNetConfig::Kind;

    if (has("_class_name")) {
        const std::string cls = stringField(j.at("_class_name"), what, "_class_name");
        const char* expected = kind == Kind::UNet ? "UNet2DConditionModel" : "ControlNetModel";
        if (cls != expected)
            fail(what, "_class_name", "is \"" + cls + "\", expected \"" + expected + "\"");
    }
    if (has("in_channels"))
        c.inChannels = intField(j.at("in_channels"), what, "in_channels", 1, 64);
    if (kind == Kind::UNet && has("out_channels"))
        c.outChannels = intField(j.at("out_channels"), what, "out_channels", 1, 64);
    if (has("sample_size")) {
        const json& s = j.at("sample_size");
        c.sampleSize = s.is_array() && s.size() == 2 ? intField(s[0], what, "sample_size", 1, 4096)
                                                     : intField(s, what, "sample_size", 1, 4096);
    }
    if (has("block_out_channels"))
        c.blockOutChannels = intList(j.at("block_out_channels"), what, "block_out_channels", 1, kMaxChannels);
    const std::size_t n = c.blockOutChannels.size();
    if (has("layers_per_block"))
        c.layersPerBlock = intField(j.at("layers_per_block"), what, "layers_per_block", 1, 8);
    if (has("down_block_types")) {
        const auto types = stringList(j.at("down_block_types"), what, "down_block_types");
        c.crossAttentionDown.clear();
        for (const auto& t : types) {
            if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D")
                fail(what, "down_block_types", "holds \"" + t + "\"; only CrossAttnDownBlock2D and DownBlock2D are supported");
            c.crossAttentionDown.push_back(t == "CrossAttnDownBlock2D");
        }
    } else if (n != c.crossAttentionDown.size()) {
        fail(what, "down_block_types", "is missing while block_out_channels is not the SD 1.5 list");
    }
    if (c.crossAttentionDown.size() != n)
        fail(what, "down_block_types", "does not have one entry per block_out_channels entry");
    if (kind == Kind::UNet && has("up_block_types")) {
        const auto types = stringList(j.at("up_block_types"), what, "up_block_types");
        if (types.size() != n)
            fail(what, "up_block_types", "does not have one entry per block_out_channels entry");
        for (std::size_t i = 0; i < n; ++i) {
            const std::string expected = c.crossAttentionDown[n - 1 - i] ? "CrossAttnUpBlock2D" : "UpBlock2D";
            if (types[i] != expected)
                fail(what, "up_block_types", "holds \"" + types[i] + "\" at " + std::to_string(i) + "; the SD shape needs \"" +
                                                 expected + "\" there (the down blocks in reverse)");
        }
    }
}

// The mid block, the cross-attention width, the attention heads and the transformer depth.
void readAttention(const ConfigReader& r, UNetConfig& c) {
    const json& j = r.j;
    const std::string& what = r.what;
    const auto has = [&](const char* f) { return r.has(f); };
    const UNetConfig::Kind kind = r.kind;
    using Kind = UNetConfig::Kind;
    const std::size_t n = c.blockOutChannels.size();

    if (has("mid_block_type"))
        if (stringField(j.at("mid_block_type"), what, "mid_block_type") != "UNetMidBlock2DCrossAttn")
            fail(what, "mid_block_type", "is " + j.at("mid_block_type").dump() + "; only UNetMidBlock2DCrossAttn is supported");
    if (j.contains("mid_block_type") && j.at("mid_block_type").is_null())
        fail(what, "mid_block_type", "is null; only UNetMidBlock2DCrossAttn is supported");
    if (has("cross_attention_dim")) {
        if (j.at("cross_attention_dim").is_array())
            fail(what, "cross_attention_dim", "is a list; only one width for every block is supported");
        c.crossAttentionDim = intField(j.at("cross_attention_dim"), what, "cross_attention_dim", 1, kMaxChannels);
    }
    // diffusers reads attention_head_dim as the number of heads when num_attention_heads is null.
    std::string headsField = "attention_head_dim";
    if (has("num_attention_heads")) {
        if (kind == Kind::UNet)
            fail(what, "num_attention_heads", "is set; diffusers' UNet2DConditionModel refuses it (attention_head_dim gives the heads)");
        headsField = "num_attention_heads";
    }
    if (has(headsField.c_str())) {
        const json& h = j.at(headsField);
        if (h.is_array()) {
            c.attentionHeads = intList(h, what, headsField, 1, 1024);
            if (c.attentionHeads.size() != n)
                fail(what, headsField, "does not have one entry per block_out_channels entry");
        } else {
            c.attentionHeads.assign(n, intField(h, what, headsField, 1, 1024));
        }
    } else {
        c.attentionHeads.assign(n, c.attentionHeads.front());
    }
    if (has("transformer_layers_per_block")) {
        if (j.at("transformer_layers_per_block").is_array())
            fail(what, "transformer_layers_per_block", "is a list; only one count for every block is supported");
        c.transformerLayersPerBlock = intField(j.at("transformer_layers_per_block"), what, "transformer_layers_per_block", 1, 16);
    }
}

// Normalisation, time embedding and activation settings.
void readScalars(const ConfigReader& r, UNetConfig& c) {
    const json& j = r.j;
    const std::string& what = r.what;
    const auto has = [&](const char* f) { return r.has(f); };

    if (has("norm_num_groups"))
        c.normNumGroups = intField(j.at("norm_num_groups"), what, "norm_num_groups", 1, kMaxChannels);
    if (has("norm_eps"))
        c.normEps = numberField(j.at("norm_eps"), what, "norm_eps", 1e-12, 0.1);
    if (has("flip_sin_to_cos"))
        c.flipSinToCos = boolField(j.at("flip_sin_to_cos"), what, "flip_sin_to_cos");
    if (has("freq_shift"))
        c.freqShift = intField(j.at("freq_shift"), what, "freq_shift", 0, 1);
    if (has("use_linear_projection"))
        c.useLinearProjection = boolField(j.at("use_linear_projection"), what, "use_linear_projection");
    if (has("upcast_attention"))
        c.upcastAttention = boolField(j.at("upcast_attention"), what, "upcast_attention");
    if (has("act_fn") && stringField(j.at("act_fn"), what, "act_fn") != "silu")
        fail(what, "act_fn", "is " + j.at("act_fn").dump() + "; only \"silu\" is supported");
}

// Features outside the SD 1.x/2.x shape are refused.
void requireSdShape(const json& j, const std::string& what) {
    for (const char* f : {"class_embed_type", "addition_embed_type", "num_class_embeds", "encoder_hid_dim",
                          "encoder_hid_dim_type", "time_cond_proj_dim", "timestep_post_act", "projection_class_embeddings_input_dim",
                          "addition_time_embed_dim", "cross_attention_norm", "time_embedding_dim", "time_embedding_act_fn",
                          "reverse_transformer_layers_per_block"})
        requireNull(j, what, f);
    for (const char* f : {"only_cross_attention", "dual_cross_attention", "center_input_sample", "class_embeddings_concat",
                          "resnet_skip_time_act", "mid_block_only_cross_attention", "global_pool_conditions"})
        requireFalse(j, what, f);
    requireValue(j, what, "time_embedding_type", "positional");
    requireValue(j, what, "resnet_time_scale_shift", "default");
    requireValue(j, what, "attention_type", "default");
    requireValue(j, what, "conv_in_kernel", 3);
    requireValue(j, what, "conv_out_kernel", 3);
    requireValue(j, what, "downsample_padding", 1);
    requireValue(j, what, "mid_block_scale_factor", 1);
    requireValue(j, what, "resnet_out_scale_factor", 1);
}

// The ControlNet's conditioning embedding.
void readControlNet(const ConfigReader& r, UNetConfig& c) {
    const json& j = r.j;
    const std::string& what = r.what;
    const auto has = [&](const char* f) { return r.has(f); };

    if (has("conditioning_channels"))
        c.conditioningChannels = intField(j.at("conditioning_channels"), what, "conditioning_channels", 1, 16);
    if (has("conditioning_embedding_out_channels")) {
        c.conditioningEmbeddingOutChannels =
            intList(j.at("conditioning_embedding_out_channels"), what, "conditioning_embedding_out_channels", 1, kMaxChannels);
        if (c.conditioningEmbeddingOutChannels.size() > 5)
            fail(what, "conditioning_embedding_out_channels", "has more than 5 entries");
    }
    if (has("controlnet_conditioning_channel_order")) {
        const std::string order = stringField(j.at("controlnet_conditioning_channel_order"), what,
                                              "controlnet_conditioning_channel_order");
        if (order != "rgb" && order != "bgr")
            fail(what, "controlnet_conditioning_channel_order", "is \"" + order + "\", not \"rgb\" or \"bgr\"");
        c.bgrConditioning = order == "bgr";
    }
}

}  // namespace

UNetConfig UNetConfig::sd15UNet() { return UNetConfig{}; }

UNetConfig UNetConfig::sd15ControlNet() {
    UNetConfig c;
    c.kind = Kind::ControlNet;
    return c;
}

UNetConfig UNetConfig::fromFile(const std::string& path, Kind kind, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(what + ": cannot open '" + path + "'.");
    std::ostringstream text;
    text << in.rdbuf();
    return fromJson(text.str(), kind, what);
}

UNetConfig UNetConfig::fromJson(const std::string& text, Kind kind, const std::string& what) {
    if (text.size() > kMaxConfigBytes)
        throw Error(what + ": config.json is larger than 1 MiB.");
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded())
        throw Error(what + ": config.json is not valid JSON.");
    if (!j.is_object())
        throw Error(what + ": config.json is not a JSON object.");
    UNetConfig c = kind == Kind::UNet ? sd15UNet() : sd15ControlNet();
    const ConfigReader reader{j, what, kind};
    readBlocks(reader, c);
    readAttention(reader, c);
    readScalars(reader, c);
    requireSdShape(j, what);
    if (kind == Kind::ControlNet)
        readControlNet(reader, c);
    c.kind = kind;
    c.validate(what);
    return c;
}

void UNetConfig::validate(const std::string& what) const {
    const std::size_t n = blockOutChannels.size();
    if (n < 1 || n > kMaxBlocks)
        fail(what, "block_out_channels", "does not have 1 to " + std::to_string(kMaxBlocks) + " entries");
    if (crossAttentionDown.size() != n)
        fail(what, "down_block_types", "does not have one entry per block_out_channels entry");
    if (attentionHeads.size() != n)
        fail(what, "attention_head_dim", "does not have one entry per block_out_channels entry");
    if (layersPerBlock < 1 || layersPerBlock > 8)
        fail(what, "layers_per_block", "is outside 1..8");
    if (normNumGroups < 1)
        fail(what, "norm_num_groups", "is not positive");
    if (inChannels < 1 || inChannels > 64 || outChannels < 1 || outChannels > 64)
        fail(what, "in_channels", "or out_channels is outside 1..64");
    if (crossAttentionDim < 1 || crossAttentionDim > kMaxChannels)
        fail(what, "cross_attention_dim", "is outside 1..8192");
    if (transformerLayersPerBlock < 1 || transformerLayersPerBlock > 16)
        fail(what, "transformer_layers_per_block", "is outside 1..16");
    if (!(normEps > 0 && normEps < 0.1))
        fail(what, "norm_eps", "is outside (0, 0.1)");
    if (freqShift < 0 || freqShift > 1)
        fail(what, "freq_shift", "is not 0 or 1");
    for (std::size_t i = 0; i < n; ++i) {
        const int ch = blockOutChannels[i];
        if (ch < 1 || ch > kMaxChannels)
            fail(what, "block_out_channels", "holds " + std::to_string(ch) + ", outside 1..8192");
        if (ch % normNumGroups != 0)
            fail(what, "norm_num_groups", "(" + std::to_string(normNumGroups) + ") does not divide block_out_channels " +
                                              std::to_string(ch));
        if (attentionHeads[i] < 1 || ch % attentionHeads[i] != 0)
            fail(what, "attention_head_dim", "(" + std::to_string(attentionHeads[i]) + " heads) does not divide block_out_channels " +
                                                 std::to_string(ch));
    }
    // The mid block and the last up block use the heads of the last block; the time embedding needs an even
    // width with at least one frequency past the shift.
    if (blockOutChannels.front() < 2 * (freqShift + 1))
        fail(what, "block_out_channels", "starts below the timestep embedding's minimum width");
    if (kind == Kind::ControlNet) {
        const std::size_t m = conditioningEmbeddingOutChannels.size();
        if (m < 1 || m > 5)
            fail(what, "conditioning_embedding_out_channels", "does not have 1 to 5 entries");
        for (int ch : conditioningEmbeddingOutChannels)
            if (ch < 1 || ch > kMaxChannels)
                fail(what, "conditioning_embedding_out_channels", "holds " + std::to_string(ch) + ", outside 1..8192");
        if (conditioningChannels < 1 || conditioningChannels > 16)
            fail(what, "conditioning_channels", "is outside 1..16");
        if (bgrConditioning && conditioningChannels != 3)
            fail(what, "controlnet_conditioning_channel_order", "is \"bgr\" for a conditioning image without 3 channels");
    }
}

std::string UNetConfig::toJson() const {
    json j;
    const std::size_t n = blockOutChannels.size();
    j["_class_name"] = kind == Kind::UNet ? "UNet2DConditionModel" : "ControlNetModel";
    j["in_channels"] = inChannels;
    j["sample_size"] = sampleSize;
    j["block_out_channels"] = blockOutChannels;
    j["layers_per_block"] = layersPerBlock;
    json down = json::array(), up = json::array();
    for (std::size_t i = 0; i < n; ++i) {
        down.push_back(crossAttentionDown[i] ? "CrossAttnDownBlock2D" : "DownBlock2D");
        up.push_back(crossAttentionDown[n - 1 - i] ? "CrossAttnUpBlock2D" : "UpBlock2D");
    }
    j["down_block_types"] = down;
    j["mid_block_type"] = "UNetMidBlock2DCrossAttn";
    j["cross_attention_dim"] = crossAttentionDim;
    j["attention_head_dim"] = attentionHeads;
    j["transformer_layers_per_block"] = transformerLayersPerBlock;
    j["norm_num_groups"] = normNumGroups;
    j["norm_eps"] = normEps;
    j["flip_sin_to_cos"] = flipSinToCos;
    j["freq_shift"] = freqShift;
    j["use_linear_projection"] = useLinearProjection;
    j["upcast_attention"] = upcastAttention;
    j["act_fn"] = "silu";
    if (kind == Kind::UNet) {
        j["out_channels"] = outChannels;
        j["up_block_types"] = up;
    } else {
        j["conditioning_channels"] = conditioningChannels;
        j["conditioning_embedding_out_channels"] = conditioningEmbeddingOutChannels;
        j["controlnet_conditioning_channel_order"] = bgrConditioning ? "bgr" : "rgb";
        j["global_pool_conditions"] = false;
    }
    return j.dump(2);
}

bool UNetConfig::operator==(const UNetConfig& o) const {
    const bool common = kind == o.kind && inChannels == o.inChannels && sampleSize == o.sampleSize &&
                        blockOutChannels == o.blockOutChannels && layersPerBlock == o.layersPerBlock &&
                        crossAttentionDown == o.crossAttentionDown && crossAttentionDim == o.crossAttentionDim &&
                        attentionHeads == o.attentionHeads && transformerLayersPerBlock == o.transformerLayersPerBlock &&
                        normNumGroups == o.normNumGroups && normEps == o.normEps && flipSinToCos == o.flipSinToCos &&
                        freqShift == o.freqShift && useLinearProjection == o.useLinearProjection &&
                        upcastAttention == o.upcastAttention;
    if (!common)
        return false;
    if (kind == Kind::UNet)
        return outChannels == o.outChannels;
    return conditioningChannels == o.conditioningChannels &&
           conditioningEmbeddingOutChannels == o.conditioningEmbeddingOutChannels && bgrConditioning == o.bgrConditioning;
}

void checkControlNetFitsUNet(const UNetConfig& controlnet, const UNetConfig& unet) {
    const auto refuse = [](const std::string& what) {
        throw Error("controlnet: its " + what + " does not fit the UNet's, so its residuals cannot be added.");
    };
    if (controlnet.blockOutChannels != unet.blockOutChannels)
        refuse("block_out_channels");
    if (controlnet.layersPerBlock != unet.layersPerBlock)
        refuse("layers_per_block");
    if (controlnet.inChannels != unet.inChannels)
        refuse("in_channels");
    if (controlnet.crossAttentionDim != unet.crossAttentionDim)
        refuse("cross_attention_dim");
}

}  // namespace sem::diffusion::sd

#include "diffusion/sd/VaeConfig.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"
#include "diffusion/common/ConfigFields.h"

namespace sem::diffusion::sd {

namespace {

using nlohmann::json;
namespace cf = config_fields;

const std::string kPart = "vae config";
constexpr int kMaxBlocks = 8;
constexpr int kMaxChannels = 4096;
constexpr int kMaxLayersPerBlock = 16;
constexpr int kMaxLatentChannels = 64;
constexpr int kMaxImageChannels = 16;
constexpr int kMaxSampleSize = 65536;

void require(bool ok, const std::string& what) {
    if (!ok)
        throw Error(kPart + ": " + what + ".");
}

std::string inRange(const std::string& key, int value, int lo, int hi) {
    return key + " " + std::to_string(value) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi);
}

std::int64_t conv(std::int64_t in, std::int64_t out, std::int64_t k) { return out * in * k * k + out; }
std::int64_t norm(std::int64_t c) { return 2 * c; }
std::int64_t resnet(std::int64_t in, std::int64_t out) {
    return norm(in) + conv(in, out, 3) + norm(out) + conv(out, out, 3) + (in != out ? conv(in, out, 1) : 0);
}

}  // namespace

std::int64_t VaeConfig::parameterCount() const {
    const int n = blockCount();
    const std::int64_t top = blockOutChannels.back();
    const std::int64_t attention = norm(top) + 4 * (top * top + top);
    const std::int64_t mid = 2 * resnet(top, top) + (midBlockAddAttention ? attention : 0);
    std::int64_t count = 0;
    // encoder
    count += conv(inChannels, blockOutChannels[0], 3);
    std::int64_t previous = blockOutChannels[0];
    for (int i = 0; i < n; ++i) {
        const std::int64_t c = blockOutChannels[static_cast<std::size_t>(i)];
        for (int j = 0; j < layersPerBlock; ++j)
            count += resnet(j == 0 ? previous : c, c);
        if (i < n - 1)
            count += conv(c, c, 3);
        previous = c;
    }
    count += mid + norm(top) + conv(top, 2 * latentChannels, 3);
    // decoder
    count += conv(latentChannels, top, 3) + mid;
    previous = top;
    for (int i = n - 1; i >= 0; --i) {
        const std::int64_t c = blockOutChannels[static_cast<std::size_t>(i)];
        for (int j = 0; j < layersPerBlock + 1; ++j)
            count += resnet(j == 0 ? previous : c, c);
        if (i > 0)
            count += conv(c, c, 3);
        previous = c;
    }
    count += norm(blockOutChannels[0]) + conv(blockOutChannels[0], outChannels, 3);
    // quant_conv, post_quant_conv
    return count + conv(2 * latentChannels, 2 * latentChannels, 1) + conv(latentChannels, latentChannels, 1);
}

void VaeConfig::validate() const {
    require(inChannels >= 1 && inChannels <= kMaxImageChannels,
            inRange("in_channels", inChannels, 1, kMaxImageChannels));
    require(outChannels >= 1 && outChannels <= kMaxImageChannels,
            inRange("out_channels", outChannels, 1, kMaxImageChannels));
    require(!blockOutChannels.empty() && blockOutChannels.size() <= static_cast<std::size_t>(kMaxBlocks),
            "block_out_channels must list 1 to " + std::to_string(kMaxBlocks) + " blocks");
    require(layersPerBlock >= 1 && layersPerBlock <= kMaxLayersPerBlock,
            inRange("layers_per_block", layersPerBlock, 1, kMaxLayersPerBlock));
    require(latentChannels >= 1 && latentChannels <= kMaxLatentChannels,
            inRange("latent_channels", latentChannels, 1, kMaxLatentChannels));
    require(normNumGroups >= 1 && normNumGroups <= kMaxChannels,
            inRange("norm_num_groups", normNumGroups, 1, kMaxChannels));
    for (std::size_t i = 0; i < blockOutChannels.size(); ++i) {
        const int c = blockOutChannels[i];
        require(c >= 1 && c <= kMaxChannels,
                inRange("block_out_channels[" + std::to_string(i) + "]", c, 1, kMaxChannels));
        require(c % normNumGroups == 0, "norm_num_groups " + std::to_string(normNumGroups) +
                                            " does not divide block_out_channels[" + std::to_string(i) + "] " +
                                            std::to_string(c));
    }
    require(std::isfinite(scalingFactor) && scalingFactor > 0.0, "scaling_factor must be a positive number");
    require(sampleSize >= downsamplingFactor() && sampleSize <= kMaxSampleSize,
            inRange("sample_size", sampleSize, downsamplingFactor(), kMaxSampleSize));
}

std::string VaeConfig::toJson() const {
    json j = {{"_class_name", "AutoencoderKL"},
              {"in_channels", inChannels},
              {"out_channels", outChannels},
              {"block_out_channels", blockOutChannels},
              {"down_block_types", std::vector<std::string>(blockOutChannels.size(), "DownEncoderBlock2D")},
              {"up_block_types", std::vector<std::string>(blockOutChannels.size(), "UpDecoderBlock2D")},
              {"layers_per_block", layersPerBlock},
              {"latent_channels", latentChannels},
              {"norm_num_groups", normNumGroups},
              {"act_fn", "silu"},
              {"scaling_factor", scalingFactor},
              {"sample_size", sampleSize},
              {"mid_block_add_attention", midBlockAddAttention}};
    return j.dump(2);
}

VaeConfig VaeConfig::fromJson(const std::string& text) {
    const json object = cf::parseObject(text, kPart);
    const std::string className = cf::stringField(object, "_class_name", "AutoencoderKL", kPart);
    require(className == "AutoencoderKL", "_class_name '" + className + "' is not AutoencoderKL");
    VaeConfig c;
    c.inChannels = cf::intField(object, "in_channels", c.inChannels, kPart);
    c.outChannels = cf::intField(object, "out_channels", c.outChannels, kPart);
    c.blockOutChannels = cf::intListField(object, "block_out_channels", c.blockOutChannels, kPart);
    c.layersPerBlock = cf::intField(object, "layers_per_block", c.layersPerBlock, kPart);
    c.latentChannels = cf::intField(object, "latent_channels", c.latentChannels, kPart);
    c.normNumGroups = cf::intField(object, "norm_num_groups", c.normNumGroups, kPart);
    c.scalingFactor = cf::realField(object, "scaling_factor", c.scalingFactor, kPart);
    c.midBlockAddAttention = cf::boolField(object, "mid_block_add_attention", c.midBlockAddAttention, kPart);
    if (object.contains("sample_size") && object["sample_size"].is_array()) {
        const auto sizes = cf::intListField(object, "sample_size", {}, kPart);
        require(!sizes.empty(), "sample_size is an empty list");
        c.sampleSize = sizes.front();
    } else {
        c.sampleSize = cf::intField(object, "sample_size", c.sampleSize, kPart);
    }
    const std::string act = cf::stringField(object, "act_fn", "silu", kPart);
    require(act == "silu" || act == "swish", "act_fn '" + act + "' is not supported (silu)");
    for (const char* key : {"use_quant_conv", "use_post_quant_conv"})
        require(cf::boolField(object, key, true, kPart), std::string(key) + " false is not supported");
    const auto blocks = c.blockOutChannels.size();
    const auto down = cf::stringListField(object, "down_block_types",
                                          std::vector<std::string>(blocks, "DownEncoderBlock2D"), kPart);
    const auto up = cf::stringListField(object, "up_block_types",
                                        std::vector<std::string>(blocks, "UpDecoderBlock2D"), kPart);
    require(down.size() == blocks && up.size() == blocks,
            "down_block_types and up_block_types must have one entry per block_out_channels entry (" +
                std::to_string(blocks) + ")");
    for (const std::string& t : down)
        require(t == "DownEncoderBlock2D", "down block type '" + t + "' is not supported (DownEncoderBlock2D)");
    for (const std::string& t : up)
        require(t == "UpDecoderBlock2D", "up block type '" + t + "' is not supported (UpDecoderBlock2D)");
    c.validate();
    return c;
}

VaeConfig VaeConfig::load(const std::string& path) {
    return fromJson(cf::readConfigFile(path, kPart));
}

}  // namespace sem::diffusion::sd

#pragma once
// The configuration of a Stable Diffusion 1.x/2.x UNet2DConditionModel or ControlNetModel, parsed from the
// diffusers config.json (unet/config.json, controlnet/config.json). Torch-free: part of semdiffusion_format.
#include <string>
#include <vector>

namespace sem::diffusion::sd {

struct UNetConfig {
    enum class Kind { UNet, ControlNet };
    Kind kind = Kind::UNet;

    int inChannels = 4;
    int outChannels = 4;  // UNet only
    int sampleSize = 64;
    std::vector<int> blockOutChannels{320, 640, 1280, 1280};
    int layersPerBlock = 2;
    // true: CrossAttnDownBlock2D, false: DownBlock2D (per down block). The up blocks mirror them
    // (UpBlock2D / CrossAttnUpBlock2D in reverse order): nothing else is the SD shape.
    std::vector<bool> crossAttentionDown{true, true, true, false};
    int crossAttentionDim = 768;
    // The NUMBER of attention heads of each down block (diffusers' attention_head_dim, a misnomer).
    std::vector<int> attentionHeads{8, 8, 8, 8};
    int transformerLayersPerBlock = 1;
    int normNumGroups = 32;
    double normEps = 1e-5;
    bool flipSinToCos = true;
    int freqShift = 0;
    bool useLinearProjection = false;
    bool upcastAttention = false;

    // ControlNet only.
    int conditioningChannels = 3;
    std::vector<int> conditioningEmbeddingOutChannels{16, 32, 96, 256};
    bool bgrConditioning = false;  // controlnet_conditioning_channel_order "bgr"

    // The published SD 1.5 UNet and the ControlNet v1.1 (Canny) configurations.
    static UNetConfig sd15UNet();
    static UNetConfig sd15ControlNet();

    // Parses config.json text. Fields left out take the SD 1.5 values; fields that leave the SD 1.x/2.x
    // shape, wrong types and impossible values throw Error("<what>: ...") naming the field.
    static UNetConfig fromJson(const std::string& text, Kind kind, const std::string& what);
    static UNetConfig fromFile(const std::string& path, Kind kind, const std::string& what);

    // Throws Error("<what>: ...") when the values do not make a buildable model (e.g. channels not divisible
    // by the group count). fromJson calls it.
    void validate(const std::string& what) const;

    // config.json text that fromJson reads back to an equal configuration.
    std::string toJson() const;

    int timeEmbedDim() const { return blockOutChannels.front() * 4; }
    int blockCount() const { return static_cast<int>(blockOutChannels.size()); }
    // Latent pixels per control image pixel: the control image is this many times the latent size.
    int conditioningDownscale() const { return 1 << (conditioningEmbeddingOutChannels.size() - 1); }
    // The number of residuals the encoder produces (conv_in's output, one per resnet, one per downsampler).
    int residualCount() const { return 1 + blockCount() * layersPerBlock + blockCount() - 1; }

    bool operator==(const UNetConfig& other) const;
};

// Throws Error("controlnet: ...") when the ControlNet's residuals cannot be added to this UNet's (other
// block channels, layer counts, latent channels or text width).
void checkControlNetFitsUNet(const UNetConfig& controlnet, const UNetConfig& unet);

}  // namespace sem::diffusion::sd

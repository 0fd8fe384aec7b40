#pragma once
// The AutoencoderKL configuration (diffusers, vae/config.json), torch-free. Defaults are Stable
// Diffusion 1.x's VAE: block_out_channels (128, 256, 512, 512), 2 layers per block, 4 latent
// channels, 32 groups, scaling_factor 0.18215. Only DownEncoderBlock2D / UpDecoderBlock2D blocks and
// act_fn silu are accepted; force_upcast and latents_mean/std are ignored.
#include <cstdint>
#include <string>
#include <vector>

namespace sem::diffusion::sd {

struct VaeConfig {
    int inChannels = 3;
    int outChannels = 3;
    std::vector<int> blockOutChannels{128, 256, 512, 512};
    int layersPerBlock = 2;
    int latentChannels = 4;
    int normNumGroups = 32;
    double scalingFactor = 0.18215;   // latents the UNet sees = scalingFactor * VAE latents
    bool midBlockAddAttention = true; // the mid-blocks' single-head self-attention
    // The image side the VAE was trained at (diffusers' sample_size; the first entry of a list):
    // the tile size of tiled encoding and decoding (AutoencoderKL::encodeTiled / decodeTiled).
    int sampleSize = 512;

    int blockCount() const { return static_cast<int>(blockOutChannels.size()); }
    // Pixels per latent along a side: 2^(blockCount - 1) (8 for SD).
    int downsamplingFactor() const { return 1 << (blockCount() - 1); }
    // Parameters of AutoencoderKL with this configuration (83,653,863 for the defaults).
    std::int64_t parameterCount() const;
    // Throws Error("vae config: ...") naming the first value out of range.
    void validate() const;

    // diffusers' field names (block_out_channels, down_block_types, ...).
    std::string toJson() const;
    // Parses and validates a vae/config.json; missing fields keep the defaults above (block types
    // default to one DownEncoderBlock2D / UpDecoderBlock2D per block). Throws Error("vae config: ...").
    static VaeConfig fromJson(const std::string& text);
    static VaeConfig load(const std::string& path);
};

}  // namespace sem::diffusion::sd

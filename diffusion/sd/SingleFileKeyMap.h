#pragma once
// The names of the original Stable Diffusion single-file checkpoints (CompVis/LDM layout:
// model.diffusion_model.input_blocks.1.1..., ControlNet v1.1 control_model.input_hint_block...) mapped to the
// diffusers names our modules use. Follows the rules of diffusers' convert_ldm_unet_checkpoint and
// convert_controlnet_checkpoint, for any block count the configuration gives. Torch-free.
#include <optional>
#include <string>

#include "diffusion/sd/UNetConfig.h"

namespace sem::diffusion::sd {

// The UNet prefix in a single-file Stable Diffusion checkpoint, and the ControlNet v1.1 prefix.
inline constexpr const char* kUNetSingleFilePrefix = "model.diffusion_model.";
inline constexpr const char* kControlNetSingleFilePrefix = "control_model.";

// The diffusers name of `original` (a name without the prefix, "input_blocks.1.1.proj_in.weight"), or
// nothing when the name is not a tensor of this configuration's UNet (config.kind UNet) or ControlNet.
// The tensor's shape may differ where diffusers uses a Linear and the original a 1x1 conv (proj_in/proj_out
// with use_linear_projection): the loader reshapes those.
std::optional<std::string> originalToDiffusersName(const std::string& original, const UNetConfig& config);

}  // namespace sem::diffusion::sd

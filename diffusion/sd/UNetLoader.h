#pragma once
// Loading UNet2DConditionModel and ControlNetModel weights from a diffusers folder (config.json +
// diffusion_pytorch_model.safetensors) or from an original single-file checkpoint (model.diffusion_model.*,
// control_model.*). Torch types: internal to the family. Every name and shape is checked before any copy.
#include <string>

#include "diffusion/SafeTensors.h"
#include "diffusion/sd/ControlNetModel.h"
#include "diffusion/sd/StateDict.h"
#include "diffusion/sd/UNet2DConditionModel.h"
#include "diffusion/sd/UNetConfig.h"

namespace sem::diffusion::sd {

// The tensors of `file` under the config's single-file prefix (model.diffusion_model. or control_model.),
// renamed to diffusers names; proj_in/proj_out weights are reshaped between [C, C, 1, 1] and [C, C] to the
// shape `module` has. Tensors outside the prefix are ignored; a name under it that the key map does not know
// throws Error("<what>: ...").
StateDict singleFileStateDict(const SafeTensors& file, const UNetConfig& config, const torch::nn::Module& module,
                              const std::string& what);

// <folder>/config.json and <folder>/diffusion_pytorch_model.safetensors. Throws Error("unet: ..."/"controlnet: ...").
UNet2DConditionModel loadUNetFolder(const std::string& folder);
ControlNetModel loadControlNetFolder(const std::string& folder);

// A single-file checkpoint with the given configuration (UNetConfig::sd15UNet() for SD 1.5 files).
UNet2DConditionModel loadUNetSingleFile(const SafeTensors& file, const UNetConfig& config);
ControlNetModel loadControlNetSingleFile(const SafeTensors& file, const UNetConfig& config);

}  // namespace sem::diffusion::sd

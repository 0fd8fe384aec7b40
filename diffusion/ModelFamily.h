#pragma once
#include <string>

namespace sem::diffusion {

// The model families the engine knows, told apart by what a model path holds.
enum class ModelFamily {
    BuiltIn,           // models/default: a directory with model.safetensors + model.json, or a
                       // .safetensors file with the .json of the same stem beside it
    StableDiffusion1,  // Stable Diffusion 1.x: a diffusers folder (model_index.json or unet/), a
                       // single-file checkpoint (model.diffusion_model.* tensors) or a model set
                       // (a .json file with "family": "sd1", diffusion/sd/SdModelParts.h)
};

// "built-in" or "sd1": the names `semc info`, the app and the .sem speak of.
std::string familyName(ModelFamily family);

// What a model path holds, found from the directory's files or the safetensors header's tensor
// names (the header only: a multi-gigabyte checkpoint is not read). Throws Error("model: ...")
// naming what the path is instead (missing, a ControlNet alone, a file of no known family).
ModelFamily detectModelFamily(const std::string& path);

}  // namespace sem::diffusion

#pragma once
// Internal to the Stable Diffusion family (torch types): never included by code that sees Qt.
#include <map>
#include <string>

#include <torch/torch.h>

#include "diffusion/SafeTensors.h"

namespace sem::diffusion::sd {

// Named float32 CPU tensors, keyed by the diffusers parameter name of the module they belong to
// ("down_blocks.0.resnets.0.norm1.weight").
using StateDict = std::map<std::string, torch::Tensor>;

// Every tensor of `file` whose name starts with `prefix`, converted to float32, keyed by the name
// without the prefix. Throws Error("safetensors: ...") on a bad entry.
StateDict stateDictFromFile(const SafeTensors& file, const std::string& prefix = {});

// Every tensor of `file` whose name starts with `prefix` as a read-only CPU tensor in its stored
// dtype that views the file's bytes (no copy: a mapped checkpoint is read straight from the page
// cache), keyed by the name without the prefix. Valid only while `file` lives; meant to be handed to
// loadStateDict, which converts each tensor to the parameter's dtype as it copies it, so a 2 GB fp16
// checkpoint never exists as a second float32 copy beside the module. Never write into these.
StateDict stateDictViews(const SafeTensors& file, const std::string& prefix = {});

// A view of one tensor of `file` as stateDictViews makes it.
torch::Tensor tensorView(const SafeTensors& file, const std::string& name);

// Copies `dict` into the parameters and buffers of `module` (named as module.named_parameters()
// names them). Throws Error("<what>: ...") naming the first tensor that is missing from `dict`,
// has another shape, or is in `dict` but not in the module; the module is left untouched then.
void loadStateDict(torch::nn::Module& module, const StateDict& dict, const std::string& what);

// The module's parameters as a StateDict (float32 CPU copies), e.g. to compare with a manifest.
StateDict moduleStateDict(const torch::nn::Module& module);

}  // namespace sem::diffusion::sd

#pragma once
// Internal to the Stable Diffusion family (torch types): loading every part of a model.
#include <atomic>
#include <memory>
#include <string>

#include "diffusion/DecodeTypes.h"

#include "diffusion/sd/SdModelParts.h"
#include "diffusion/sd/SdPipeline.h"

namespace sem::diffusion::sd {

// The tokenizer (the parts' own, a diffusers folder's tokenizer/, else `clipVocabulary`, the
// shipped bpe_simple_vocab_16e6.txt.gz), text encoder, UNet, VAE, scheduler config and ControlNet of
// `parts`, on the CPU in float32, each checked against the others (widths, channels, vocabulary).
// Single-file checkpoints are mapped, not read whole; other families' checkpoints (SD 2.x, SDXL)
// are refused by name. `progress` is called before each part is read; `cancel` is checked between
// parts (Cancelled). Throws Error; never returns a half-loaded model.
std::unique_ptr<SdModules> loadSdModules(const SdModelParts& parts, const std::string& clipVocabulary,
                                         const LoadCallback& progress = {}, const std::atomic<bool>* cancel = nullptr);

}  // namespace sem::diffusion::sd

#pragma once
// Internal (torch types): the state of a loaded built-in model, shared by BuiltinEngine and
// BatchDecode. Not part of the public API.
#include <memory>
#include <string>

#include <torch/torch.h>

#include "diffusion/DecodeTypes.h"
#include "diffusion/builtin/ModelConfig.h"
#include "diffusion/builtin/Network.h"
#include "diffusion/builtin/NoiseSchedule.h"
#include "diffusion/builtin/PeakMemory.h"
#include "diffusion/builtin/Tokenizer.h"

namespace sem::diffusion {

class EngineImpl {
public:
    ModelCard card;
    std::unique_ptr<Tokenizer> tokenizer;
    std::unique_ptr<NoiseSchedule> schedule;
    net::DecoderModel model{nullptr};
    torch::Device device{torch::kCPU};
    torch::ScalarType dtype = torch::kFloat;
    std::string modelId;
    std::uint64_t memoryBudget = BuiltinPeakMemory::kDefaultActivationBudget;
    DecodeStats stats;
};

}  // namespace sem::diffusion

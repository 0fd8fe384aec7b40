#pragma once
// Private to training/loop: the Trainer's state (LibTorch), shared by Trainer.cpp (set-up,
// validation, checkpoints, export) and TrainerStep.cpp (inputs, loss, one optimisation step).
#include <ATen/CPUGeneratorImpl.h>
#include <memory>

#include <torch/torch.h>

#include "diffusion/builtin/Network.h"
#include "diffusion/builtin/NoiseSchedule.h"
#include "diffusion/builtin/Tokenizer.h"
#include "training/loop/Trainer.h"

namespace sem::training {

class Distributed;

// Network inputs of a batch, on the device.
struct Inputs {
    torch::Tensor x0;  // [B, 3, H, W] in [-1, 1]
    torch::Tensor hint;  // [B, 3, H, W] in [-1, 1] (zero where there is no hint)
    torch::Tensor hintMask;  // [B] 0/1
    diffusion::net::Context context;
};

class TrainerImpl {
public:
    TrainerOptions options;
    torch::Device device{torch::kCPU};
    std::unique_ptr<diffusion::Tokenizer> tokenizer;
    std::unique_ptr<diffusion::NoiseSchedule> schedule;
    torch::Tensor alphaBars;  // [T] float on the device
    diffusion::net::DecoderModel model{nullptr}, ema{nullptr};
    std::unique_ptr<torch::optim::AdamW> optimizer;
    mutable at::Generator generator;
    std::int64_t step = 0;
    Distributed* group = nullptr;  // several processes: gradients averaged, noise of the global batch

    Inputs inputs(const TrainingBatch& b) const;
    torch::Tensor loss(const Inputs& in);
    void toChannelsLast(diffusion::net::DecoderModel& m) const;
};

}  // namespace sem::training

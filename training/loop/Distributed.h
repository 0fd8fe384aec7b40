#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "training/loop/DistributedEnv.h"

namespace at {
class Tensor;
}

namespace sem::training {

// torch.distributed (c10d) for the trainer: a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT
// (rank 0 serves it), then a Gloo process group (NCCL when training on CUDA and the LibTorch build
// has it). A group of one process (no WORLD_SIZE) connects nothing and every call returns at once.
// Every collective must be called by all ranks in the same order.
class Distributed {
public:
    // `cuda`: the trainer's tensors live on a CUDA device (NCCL where available).
    explicit Distributed(const DistributedEnv& env, bool cuda = false);
    ~Distributed();
    Distributed(const Distributed&) = delete;
    Distributed& operator=(const Distributed&) = delete;

    int rank() const { return env_.rank; }
    int size() const { return env_.worldSize; }
    bool active() const { return env_.active(); }
    const DistributedEnv& env() const { return env_; }
    // "gloo", "nccl" or "none".
    std::string backend() const;

    // Sums the gradients of `parameters` over the ranks and divides by the number of ranks.
    void averageGradients(const std::vector<at::Tensor>& parameters);
    // Rank 0's values of the tensors, in place on every rank.
    void broadcast(std::vector<at::Tensor>& tensors);
    // Rank 0's bytes on every rank (any size: the size goes first).
    void broadcast(std::vector<char>& bytes);
    // Rank 0's integers on every rank.
    void broadcast(std::vector<std::int64_t>& values);
    // The mean of `value` over the ranks.
    double average(double value);
    // Returns when every rank has called it.
    void barrier();

private:
    struct Group;
    DistributedEnv env_;
    std::unique_ptr<Group> group_;
};

}  // namespace sem::training

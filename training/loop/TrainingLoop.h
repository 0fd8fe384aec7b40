#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "training/TrainingBatch.h"
#include "training/loop/Trainer.h"

namespace sem::training {

class Distributed;

struct LoopOptions {
    std::string outDirectory;   // checkpoint.pt, train-state.json, train-log.csv, model/
    bool resume = false;        // continue from OUT/checkpoint.pt when it exists
    long long totalSteps = 20000;
    double minutes = 0;         // stop after this many minutes of this run (0: no limit)
    double checkpointMinutes = 5;
    long long validateEvery = 500;
    // > 0: the samples one step takes over all ranks; train-state.json then records the samples
    // seen, from which a sample pool's order resumes (with any world size).
    std::int64_t globalBatch = 0;
};

struct LoopResult {
    std::int64_t steps = 0;
    double wallSeconds = 0;     // of every run of this training together
    ValidationResult validation;  // the last one
    bool interrupted = false;
};

// The training loop around a Trainer, shared by `semc train` and `semc-train`: resuming, the
// progress line with the ETA (every 30 s), validation every N steps (with train-log.csv), a
// checkpoint every M minutes (checkpoint.pt + train-state.json), the time limit and Ctrl-C, then the
// final validation, checkpoint and export of the EMA model to OUT/model.
// With several processes (Distributed), rank 0 alone prints, validates and writes files while the
// others wait at a barrier; rank 0 decides when to checkpoint or stop and tells the others.
class TrainingLoop {
public:
    using Feed = std::function<TrainingBatch()>;
    using Describe = std::function<diffusion::TrainingInfo(const LoopResult&)>;

    // `group` and `out` outlive the loop; `out` receives rank 0's progress lines.
    TrainingLoop(const TrainerOptions& trainer, const LoopOptions& options, Distributed& group, std::ostream& out);
    ~TrainingLoop();
    TrainingLoop(const TrainingLoop&) = delete;
    TrainingLoop& operator=(const TrainingLoop&) = delete;

    // Resumes when asked and a checkpoint exists (rank 0 reads it, every rank loads its bytes;
    // prints "resumed at step N"), then gives every rank rank 0's weights.
    void start();
    Trainer& trainer() { return *trainer_; }
    // The samples seen by the steps before this run (see LoopOptions::globalBatch).
    std::uint64_t samplesSeen() const { return samplesBefore_; }

    // Trains until the step count, the time limit or `interrupt`; `describe` gives the model
    // card's training information for the export.
    LoopResult run(const Feed& next, const std::vector<TrainingBatch>& validation, const Describe& describe,
                   const std::atomic<bool>* interrupt);

private:
    struct Run;
    void validate(Run& run, const std::vector<TrainingBatch>& batches);
    void save(Run& run);
    void progress(Run& run);
    bool agree(bool rank0Says);
    bool leader() const;

    LoopOptions options_;
    Distributed& group_;
    std::ostream& out_;
    std::unique_ptr<Trainer> trainer_;
    double previousWall_ = 0;
    std::uint64_t samplesBefore_ = 0;
};

}  // namespace sem::training

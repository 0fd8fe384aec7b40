#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "diffusion/builtin/ModelConfig.h"
#include "training/TrainingBatch.h"

namespace sem::training {

struct TrainerOptions {
    diffusion::ModelCard card;                  // architecture + vocabulary (+ training info carried to the export)
    std::string device = "cpu";      // "cpu", "cuda" or "auto"
    double learningRate = 3e-4;      // AdamW, linear warm-up then constant
    int warmupSteps = 200;
    double weightDecay = 0.01;
    double emaDecay = 0.999;         // EMA of the weights (ramped up over the first steps)
    double gradientClip = 1.0;       // max global gradient norm
    // Fraction of samples trained at the last timestep (pure noise): the one-step fidelity decode,
    // which maximises PSNR, is exactly the model at that timestep. The rest are uniform in [0, T).
    double fidelityFraction = 0.35;
    std::uint64_t seed = 0;          // weights init and the trainer's noise/timestep generator
    int threads = 0;                 // CPU threads, 0 = all cores
    // NHWC on CPU (the engine decodes that way); no measurable gain for training here (0.33 vs
    // 0.33-0.38 steps/s, default architecture, batch 8 x 128^2, shared 2-core VM), so off by default.
    bool channelsLast = false;
    // Starting weights (model.safetensors or its directory, same architecture and vocabulary as the
    // card); empty: random initialisation from `seed`.
    std::string initWeights;
    // Zero the U-Net's output convolution after initialisation: a hint-residual model then starts as
    // the plain upsampled hint (set it when the starting weights were not trained as a residual).
    bool zeroOutputLayer = false;
    // Negate the U-Net's output convolution after initialisation: turns starting weights trained
    // for v into a start for x0 prediction that keeps the fidelity decode (at the last timestep,
    // where the signal weight is ~0, v = -x0).
    bool negateOutputLayer = false;
    // The CUDA device of this process (LOCAL_RANK when a machine runs one process per GPU).
    int cudaIndex = 0;
};

struct ValidationResult {
    double fidelityPsnr = 0;  // mean per-image PSNR (dB) of the one-step x0 decode from pure noise
    double hintPsnr = 0;      // mean PSNR of the upsampled hint alone, over the images that have one
    int images = 0, hinted = 0;
};

class TrainerImpl;
class Distributed;

// Trains the decoder (v-prediction on the cosine schedule) from plain batches: AdamW, EMA, gradient
// clipping, resumable checkpoints, validation PSNR of the fidelity decode. LibTorch stays inside.
class Trainer {
public:
    explicit Trainer(const TrainerOptions& options);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // One optimisation step on the batch; returns the loss (mean squared v error) before the update.
    double step(const TrainingBatch& batch);
    // The loss the model would have on the batch with the trainer's generator as it is now, without
    // changing the weights or the generator (for tests: overfitting, resume equality).
    double peekLoss(const TrainingBatch& batch);
    // Fidelity decode of every image of the batches with the EMA (or the raw) weights.
    ValidationResult validate(const std::vector<TrainingBatch>& batches, bool ema = true);

    // Model, EMA, optimizer state, step and generator state, written to <path>.tmp then renamed.
    void saveCheckpoint(const std::string& path) const;
    void loadCheckpoint(const std::string& path);
    // The same in two parts, so that one process reads the file and sends its bytes to the others.
    static std::vector<char> readCheckpoint(const std::string& path);
    void loadCheckpointData(const std::vector<char>& bytes, const std::string& path);

    // Trains as one of several processes (`group` outlives the trainer; a group of one changes
    // nothing): each step averages the gradients over the processes, and the noise and timesteps are
    // those of the global batch (all ranks' samples in rank order), so that W processes at batch B
    // compute what one process at batch W*B computes.
    void setDistributed(Distributed* group);
    // Copies rank 0's weights (model and EMA) to every process.
    void synchronise();
    // model.safetensors + model.json (EMA weights by default), loadable by BuiltinEngine::load.
    void exportModel(const std::string& directory, const diffusion::TrainingInfo& info, bool ema = true) const;

    std::int64_t steps() const;
    std::int64_t parameterCount() const;
    // Mean absolute difference between the EMA and the raw weights.
    double emaDistance() const;
    std::string deviceName() const;

private:
    std::unique_ptr<TrainerImpl> impl_;
};

}  // namespace sem::training

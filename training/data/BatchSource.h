#pragma once
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "training/data/ShardReader.h"
#include "training/TrainingBatch.h"

namespace sem::training {

struct BatchOptions {
    int batch = 8;
    int crop = 128;                  // square crops; smaller images are enlarged to fit
    double captionDropout = 0.15;    // empty caption (also for images that have none)
    double hintDropout = 0.15;       // no hint
    double edgeDropout = 0.05;       // no edges (caption/hint-only decodes)
    std::uint64_t seed = 1;
    // Relative weights of the edge scales 1/1, 1/2, 1/4, 1/8 and of the hint factors 4..64
    // (BatchSource::kScales, kHintFactors); non-negative with a positive sum.
    std::array<double, 4> scaleWeights = {0.05, 0.3, 0.35, 0.3};
    std::array<double, 5> hintWeights = {0.2, 0.3, 0.25, 0.15, 0.1};
    // Share of hints coded at a random quality (log-uniform in kHintQualityRange) instead of their
    // factor's default, so that the model also knows the hints of `--hint-quality` encodes.
    double hintQualityMix = 0.0;
    // Upper end of the random Canny low threshold (high = low x 1.5..3); 150 keeps the app's
    // default range, 220 adds the sparse maps (200/400) of the eval sweep.
    double cannyLowMax = 150.0;
};

// Random training samples from prepared records: crop, flip, edges with random Canny parameters
// within the app's ranges, the hint through the real HintCodec (encode + decodeUpsampled, so the
// model sees its artefacts), a random caption, and caption/hint dropout for classifier-free guidance.
class BatchSource {
public:
    // `records` must outlive the source; throws sem::Error if it is empty or the options are invalid.
    BatchSource(std::vector<const ShardRecord*> records, const BatchOptions& options);
    TrainingBatch next();
    std::uint64_t samplesDrawn() const { return drawn_; }
    // Re-seeds the generator (for resuming: seed + step gives a fresh stream).
    void reseed(std::uint64_t seed) { rng_.seed(seed); }
    // The fixed validation crops of a run: 4 batches of 8, every condition present, edge scale and
    // hint factor drawn by a fixed seed with the default mix (only the crop size is the run's), so
    // that runs with other mixes stay comparable.
    static std::vector<TrainingBatch> validationBatches(std::vector<const ShardRecord*> records, int crop);

    // Edge-scale denominators and hint factors; BatchOptions weighs them (by default 1/4 and 1/2
    // most often, as the app uses, and hints before dropout mostly at 8 and 16).
    static constexpr int kScales[4] = {1, 2, 4, 8};
    static constexpr int kHintFactors[5] = {4, 8, 16, 32, 64};
    static constexpr int kHintQualityRange[2] = {1, 40};
    static constexpr double kCannyLowMin = 40.0;

private:
    std::vector<const ShardRecord*> records_;
    BatchOptions options_;
    std::mt19937_64 rng_;
    std::uint64_t drawn_ = 0;
};

}  // namespace sem::training

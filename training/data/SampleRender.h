#pragma once
#include <cstdint>
#include <string>

#include "training/data/BatchSource.h"

namespace sem::training {

class ShardReader;

struct RenderSummary {
    std::uint64_t trainSamples = 0, validationSamples = 0, bytes = 0;
};

// `semc train --samples N`: renders N random training samples of the prepared shards with a run's
// augmentation options (BatchSource: crops, edges with random Canny parameters, hints through the
// real codec, caption and condition dropout) and the run's fixed validation crops into a sample pool
// (training/pool) that the torch-only trainer (semc-train) reads without OpenCV.
class SampleRender {
public:
    static RenderSummary render(const ShardReader& shards, const BatchOptions& options, std::uint64_t samples,
                                const std::string& directory);
    // "prepared from DIR (N training, M validation images, longest side S)": the model card's data line.
    static std::string dataDescription(const ShardReader& shards);
};

}  // namespace sem::training

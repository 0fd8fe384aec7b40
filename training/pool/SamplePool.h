#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "training/TrainingBatch.h"
#include "training/pool/PoolFile.h"

namespace sem::training {

// A rendered sample pool (SamplePoolWriter): <directory>/index.json and its pool files. The
// training split is read sample by sample on demand (a rank reads only the samples of its slices);
// the validation split is small and read whole.
class SamplePool {
public:
    static constexpr const char* kFormat = "semcompress-samples-1";

    explicit SamplePool(const std::string& directory);
    SamplePool(const SamplePool&) = delete;
    SamplePool& operator=(const SamplePool&) = delete;
    ~SamplePool();

    int crop() const { return crop_; }
    std::uint64_t trainCount() const { return trainCount_; }
    // A batch of the training samples with these indices (each < trainCount()).
    TrainingBatch batch(const std::vector<std::uint64_t>& indices);
    // Every validation sample, in batches of at most `batchSize`, in order.
    std::vector<TrainingBatch> validationBatches(int batchSize = 8);
    // The captions of the training images (for the vocabulary of a new model) and the description
    // of the data the pool was rendered from (for the model card).
    const std::vector<std::string>& captions() const { return captions_; }
    const std::string& dataDescription() const { return data_; }
    // The augmentation settings the pool was rendered with, as JSON text (for the log).
    const std::string& renderSettings() const { return render_; }
    // The share of samples rendered without edges (a hint-residual model guides its edges then).
    double edgeDropout() const { return edgeDropout_; }

private:
    struct Split {
        std::vector<std::unique_ptr<PoolFile>> files;
        std::vector<std::uint64_t> firstIndex;  // of each file in the split
        std::uint64_t count = 0;
    };
    void openSplit(const std::string& directory, const std::vector<std::string>& files, Split& split);
    void readInto(Split& split, std::uint64_t index, TrainingBatch& b, int slot);

    int crop_ = 0;
    std::uint64_t trainCount_ = 0;
    Split train_, validation_;
    std::vector<std::string> captions_;
    std::string data_, render_;
    double edgeDropout_ = 0.0;
};

}  // namespace sem::training

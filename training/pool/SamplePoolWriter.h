#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "training/TrainingBatch.h"

namespace sem::training {

// Writes a sample pool (see PoolFile for the file layout, SamplePool for reading): pool files of at
// most `samplesPerFile` samples each, then index.json, which lists them with the training captions
// (the vocabulary of a new model), a description of the data and the render settings.
class SamplePoolWriter {
public:
    SamplePoolWriter(std::string directory, int samplesPerFile = 4096);
    // Appends the samples of a batch to the training or the validation split.
    void add(const TrainingBatch& batch, bool validation);
    // Writes the last pool files and index.json; returns the bytes written in all.
    std::uint64_t finish(const std::vector<std::string>& captions, const std::string& dataDescription,
                         const std::string& renderSettingsJson);

private:
    struct Pending {
        TrainingBatch samples;
        std::vector<std::string> files;
        int written = 0;
    };
    void append(Pending& p, const TrainingBatch& b, int index);
    void flush(Pending& p, const char* prefix);

    std::string directory_;
    int perFile_;
    int crop_ = 0;
    Pending train_, validation_;
    std::uint64_t bytes_ = 0;
};

}  // namespace sem::training

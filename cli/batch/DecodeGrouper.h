#pragma once
#include <atomic>
#include <cstddef>
#include <map>
#include <set>
#include <vector>

#include "cli/batch/BatchInputs.h"
#include "core/format/SemFile.h"
#include "core/pipeline/Decoder.h"

namespace sem::cli {

// Batch decodes in groups. Where the decoder takes several files of one size and settings at once
// (Decoder::batchRoom: on CUDA as many as fit, on the CPU one unless --batch-images asks for more),
// the first pending file of a group is decoded together with the next batchable ones, and their own
// tasks then only hand out what was decoded. For a BatchRunner with one job (decodes run one at a
// time on one loaded model).
class DecodeGrouper {
public:
    // `items` must outlive the grouper; files whose output is complete are left out of groups
    // unless `overwrite` (the runner skips them).
    DecodeGrouper(Decoder& decoder, const DecodeRequest& request, const std::vector<BatchItem>& items, bool overwrite);

    // The .sem of items[index]: read once, whether by its own task or while a group looked ahead for
    // files that batch together. Throws SemFile::load's error.
    SemFile load(std::size_t index);
    // The decode of items[index], whose file is `file`: from the batch it was decoded in, or now,
    // with the files that batch with it. A batch that fails (a file that does not fit the model,
    // out of memory) is not retried as a batch: each file is then decoded on its own and reports its
    // own error. Throws like Decoder::decode.
    DecodeOutcome decode(std::size_t index, const SemFile& file, const std::atomic<bool>* cancel);
    // How many files the decode of items[index] shared its network evaluations with, itself included.
    int groupSize(std::size_t index) const;

private:
    std::vector<std::size_t> companions(std::size_t index, const SemFile& file, int room,
                                        std::vector<SemFile>& files);
    // Forgets the files read ahead for items before `index` (tasks run in order).
    void forgetBefore(std::size_t index);

    Decoder& decoder_;
    DecodeRequest request_;
    const std::vector<BatchItem>& items_;
    bool overwrite_;
    std::vector<bool> taken_;
    std::vector<int> groupSizes_;
    std::map<std::size_t, DecodeOutcome> ready_;
    std::map<std::size_t, SemFile> readAhead_;  // files read while looking for companions
    std::set<std::size_t> unreadable_;          // files that could not be read (their task reports why)
};

}  // namespace sem::cli

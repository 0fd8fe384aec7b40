#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cli/batch/BatchOutcome.h"

namespace sem::cli {

// The end of a batch: counts, bytes in and out, mean bpp / PSNR / SSIM over the files done in
// this run, and every failure with its reason; as text or JSON (with one entry per file), and a
// CSV file with one row per file.
class BatchReport {
public:
    BatchReport(std::string command, std::vector<BatchOutcome> outcomes, double seconds, bool interrupted);

    int count(BatchOutcome::Status s) const;
    bool interrupted() const { return interrupted_; }
    // kOk, kBadInput when a file failed, kInterrupted when the batch was interrupted.
    int exitCode() const;

    void printText(std::ostream& out) const;
    nlohmann::json json() const;
    // Written atomically (QSaveFile). Throws sem::Error naming the file.
    void writeCsv(const std::string& path) const;

private:
    std::string command_;
    std::vector<BatchOutcome> outcomes_;
    double seconds_;
    bool interrupted_;
};

}  // namespace sem::cli

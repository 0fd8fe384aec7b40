#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sem::cli {

// What became of one file of a batch.
struct BatchOutcome {
    enum Status { Done, Skipped, Failed, NotRun };  // NotRun: the batch was interrupted first
    Status status = NotRun;
    std::string input, output;
    std::string error;  // Failed: one line, the reason
    std::uint64_t bytesIn = 0, bytesOut = 0;
    std::optional<double> bpp, psnr, ssim;
    double seconds = 0.0;
    nlohmann::json extra = nlohmann::json::object();  // command-specific fields of the report

    static const char* statusName(Status s);
};

}  // namespace sem::cli

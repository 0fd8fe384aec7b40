#pragma once
#include <string>

namespace sem::training {

// The text the training loop writes: numbers with a fixed number of decimals (as semc's reports),
// and the lines of OUT/train-log.csv.
struct LoopReport {
    static std::string fixed(double value, int decimals);
    // Appends a line to the CSV log, writing the header first when the file is new.
    static void appendLog(const std::string& path, const std::string& line);
};

}  // namespace sem::training

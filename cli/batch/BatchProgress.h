#pragma once
#include <QElapsedTimer>
#include <ostream>
#include <string>

#include "cli/batch/BatchOutcome.h"

namespace sem::cli {

// The progress line of a batch on stderr: "semc encode: 12/100 (3 skipped, 1 failed), 4.2 files/s,
// about 0:21 left". On a terminal the line is redrawn after every file; otherwise (a log file) a
// line is written after the first file, then at most once per second, and after the last. Not
// thread-safe: the caller serialises calls.
class BatchProgress {
public:
    BatchProgress(std::string command, int total, std::ostream& err);
    void add(const BatchOutcome& outcome);
    // Ends a terminal's line (call once, before the summary).
    void finish();

private:
    void print(bool force);

    std::string command_;
    int total_;
    std::ostream& err_;
    bool tty_;
    QElapsedTimer timer_;
    qint64 lastPrintMs_ = -1;
    int finished_ = 0, done_ = 0, skipped_ = 0, failed_ = 0;
    bool drawn_ = false;
};

}  // namespace sem::cli

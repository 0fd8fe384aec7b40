#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "cli/Command.h"
#include "cli/batch/BatchInputs.h"
#include "cli/batch/BatchOptions.h"
#include "cli/batch/BatchOutcome.h"
#include "cli/batch/BatchReport.h"

namespace sem::cli {

// Runs one task per file of a batch: `jobs` at a time on a QThreadPool (or in the calling thread
// when jobs is 1), with the progress line on stderr, Ctrl-C stopping after the files in progress
// (BatchInterrupt), and the summary / JSON / CSV report at the end.
class BatchRunner {
public:
    // Does the work of one file and fills bytes, bpp, metrics and extra fields; status and the
    // input and output names are set by the runner. Throws on failure (sem::Error, any
    // std::exception: the file fails with its message; sem::Cancelled: the file was not run).
    // `cancel` becomes true on Ctrl-C.
    using Task = std::function<BatchOutcome(const BatchItem& item, const std::atomic<bool>* cancel)>;
    // Whether an existing output is complete (default: it exists and is not empty).
    using CompleteCheck = std::function<bool(const QString& output)>;

    BatchRunner(std::string command, Io& io);

    // Items with a problem fail without running; items whose output is complete are skipped
    // unless `overwrite`. Creates the output folders.
    BatchReport run(const std::vector<BatchItem>& items, const BatchOptions& options, const Task& task,
                    const CompleteCheck& complete = {});

    // Prints the summary (text on io.out, or the JSON report when options.json), writes the CSV
    // report when asked, and returns the exit code.
    static int finish(const BatchReport& report, const BatchOptions& options, Io& io);

    // The default CompleteCheck.
    static bool outputExists(const QString& output);

private:
    std::string command_;
    Io& io_;
};

}  // namespace sem::cli

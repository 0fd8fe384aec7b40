#pragma once
#include <QCommandLineParser>
#include <QString>
#include <string>
#include <vector>

#include "cli/Command.h"
#include "cli/batch/BatchInputs.h"

namespace sem::cli {

// The options every batch command shares: --jobs, --shard, --overwrite, --csv (and the command's
// own --json flag, which prints the batch report instead of the summary).
struct BatchOptions {
    int jobs = 1;
    int shardIndex = 0, shardCount = 1;
    bool overwrite = false;
    bool json = false;
    QString csv;

    // The text of the batch rule for a command's --help.
    static std::string helpText(const std::string& outputWhat);
    // `jobsHelp` describes --jobs for this command; empty: the command has no --jobs.
    static void add(QCommandLineParser& parser, const QString& jobsHelp);
    // Throws sem::Error on a bad value. `defaultJobs` applies when --jobs is not given
    // (or the command has none).
    static BatchOptions read(const QCommandLineParser& parser, int defaultJobs, int maxJobs);
    // Single-file mode: a batch-only option given is an error naming it.
    static void refuseInSingleMode(const QCommandLineParser& parser, const std::string& command);

    // Expands the inputs, maps their outputs under `outDir` with `outSuffix` and keeps this
    // task's shard. Creates nothing.
    std::vector<BatchItem> items(const QStringList& inputs, const QString& outDir, const QString& outSuffix,
                                 const QStringList& suffixes) const;
    // The number of cores (at least 1).
    static int cores();
};

}  // namespace sem::cli

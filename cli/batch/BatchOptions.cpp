#include "cli/batch/BatchOptions.h"

#include <QThread>

#include "cli/Options.h"
#include "core/common/Error.h"

namespace sem::cli {

std::string BatchOptions::helpText(const std::string& outputWhat)
{
    return "Batch mode: when there are several inputs, an input is a folder (searched recursively for\n"
           "image files) or an @LIST (a text file with one file or folder a line), or -o is an existing\n"
           "folder or ends with '/'. Then -o is the output folder:\n" + outputWhat + "\n"
           "Outputs that exist are complete (written to a temporary file and renamed) and are skipped\n"
           "unless --overwrite, so running the same command again after Ctrl-C or a crash finishes the\n"
           "rest. One bad file never stops the batch; the exit code is 1 when a file failed, 130 when\n"
           "interrupted. --shard I/N takes every N-th file of the sorted inputs starting at I (array jobs).";
}

void BatchOptions::add(QCommandLineParser& parser, const QString& jobsHelp)
{
    if (!jobsHelp.isEmpty())
        parser.addOption({"jobs", jobsHelp, "N"});
    parser.addOptions({
        {"shard", "Batch: work on shard I of N (0 <= I < N): every N-th file of the sorted inputs, starting at I.",
         "I/N"},
        {"overwrite", "Batch: redo files whose output already exists."},
        {"csv", "Batch: also write a report with one row per file to this CSV file.", "FILE"},
    });
}

int BatchOptions::cores()
{
    return std::max(1, QThread::idealThreadCount());
}

BatchOptions BatchOptions::read(const QCommandLineParser& parser, int defaultJobs, int maxJobs)
{
    BatchOptions b;
    b.jobs = parser.optionNames().contains("jobs") ? static_cast<int>(Options::toInt(parser, "jobs", 1, maxJobs)) : defaultJobs;
    if (parser.isSet("shard"))
        std::tie(b.shardIndex, b.shardCount) = BatchInputs::parseShard(parser.value("shard"));
    b.overwrite = parser.isSet("overwrite");
    b.json = parser.isSet("json");
    b.csv = parser.value("csv");
    return b;
}

void BatchOptions::refuseInSingleMode(const QCommandLineParser& parser, const std::string& command)
{
    for (const char* o : {"jobs", "shard", "overwrite", "csv", "batch-images"})
        if (parser.optionNames().contains(QLatin1String(o)))
            throw Error(std::string("--") + o + " is for batch mode: give several inputs, a folder or an @list, "
                        "or -o an output folder (see semc " + command + " --help)");
}

std::vector<BatchItem> BatchOptions::items(const QStringList& inputs, const QString& outDir, const QString& outSuffix,
                                           const QStringList& suffixes) const
{
    std::vector<BatchItem> all = BatchInputs::expand(inputs, suffixes);
    BatchInputs::mapOutputs(all, outDir, outSuffix);
    return BatchInputs::shard(all, shardIndex, shardCount);
}

}  // namespace sem::cli

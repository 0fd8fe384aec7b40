#pragma once
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

namespace sem::cli {

// One file of a batch: where it is read, the path it mirrors under the output folder, and a
// problem known before it is run (its output name collides with another file's).
struct BatchItem {
    QString input;     // as found (a folder argument's files: that folder joined with the relative path)
    QString relative;  // the input's path under its folder argument, or its file name
    QString output;    // filled by BatchInputs::mapOutputs
    std::string problem;  // not empty: the file fails with this reason without being run
};

// Which files a batch command works on: files, folders (recursive, only the given types) and
// @lists (a text file naming one file or folder a line; empty lines and lines starting with # are
// ignored; relative paths are relative to the current folder), sorted, without duplicates, and
// optionally one shard of them.
class BatchInputs {
public:
    // File types of the image commands (lower case, no dot).
    static QStringList imageSuffixes();

    // Expands the arguments. A file named directly is taken whatever its type (and fails later if
    // it is not readable or does not exist); a folder contributes the files whose suffix is in
    // `suffixes`. Throws sem::Error when a list file cannot be read.
    static std::vector<BatchItem> expand(const QStringList& arguments, const QStringList& suffixes);

    // Sets each item's output: outDir / relative folder / base name + `outSuffix` (".sem", ".png").
    // Items whose output is the same as an earlier item's get a problem naming that item. Call
    // before shard(), so every shard sees the same collisions.
    static void mapOutputs(std::vector<BatchItem>& items, const QString& outDir, const QString& outSuffix);

    // "I/N" with 0 <= I < N: every N-th item starting at I. Throws sem::Error naming --shard.
    static std::pair<int, int> parseShard(const QString& value);
    static std::vector<BatchItem> shard(const std::vector<BatchItem>& items, int index, int count);

    // Whether the arguments ask for batch mode: several inputs, a folder, an @list, or an output
    // that is an existing folder or ends with '/'.
    static bool isBatch(const QStringList& arguments, const QString& output);
};

}  // namespace sem::cli

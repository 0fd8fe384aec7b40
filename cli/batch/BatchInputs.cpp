#include "cli/batch/BatchInputs.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>
#include <map>
#include <set>

#include "core/common/Error.h"

namespace sem::cli {
namespace {

constexpr qint64 kMaxListBytes = 64 << 20;

void addArgument(const QString& argument, const QStringList& suffixes, bool fromList, std::vector<BatchItem>& out)
{
    if (argument.startsWith('@') && !fromList) {
        const QString listPath = argument.mid(1);
        QFile list(listPath);
        if (!list.open(QIODevice::ReadOnly))
            throw Error("cannot read the list " + listPath.toStdString() + ": " + list.errorString().toStdString());
        if (list.size() > kMaxListBytes)
            throw Error("the list " + listPath.toStdString() + " is larger than 64 MiB");
        const QStringList lines = QString::fromUtf8(list.readAll()).split('\n');
        for (const QString& raw : lines) {
            const QString line = raw.trimmed();
            if (!line.isEmpty() && !line.startsWith('#'))
                addArgument(line, suffixes, true, out);
        }
        return;
    }
    const QFileInfo info(argument);
    if (info.isDir()) {
        // Relative to the folder as given: QDir::relativeFilePath returns a relative path unchanged,
        // so both sides are made absolute (else "photos/a.jpg" under "photos" kept its folder).
        const QDir root(info.absoluteFilePath());
        QDirIterator it(argument, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            if (!suffixes.contains(QFileInfo(file).suffix().toLower()))
                continue;
            out.push_back({file, root.relativeFilePath(QFileInfo(file).absoluteFilePath()), {}, {}});
        }
        return;
    }
    // A file named directly, or a name that does not exist: it is run and fails with its own
    // reason, without stopping the others.
    out.push_back({argument, info.fileName(), {}, {}});
}

}  // namespace

QStringList BatchInputs::imageSuffixes()
{
    return {"png", "jpg", "jpeg", "webp", "tif", "tiff", "bmp"};
}

std::vector<BatchItem> BatchInputs::expand(const QStringList& arguments, const QStringList& suffixes)
{
    std::vector<BatchItem> items;
    for (const QString& a : arguments)
        addArgument(a, suffixes, false, items);
    // Sorted by the absolute path, so that every task of a sharded run sees the same order.
    std::vector<std::pair<QString, BatchItem>> keyed;
    keyed.reserve(items.size());
    for (BatchItem& item : items)
        keyed.emplace_back(QDir::cleanPath(QFileInfo(item.input).absoluteFilePath()), std::move(item));
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<BatchItem> out;
    std::set<QString> seen;
    for (auto& [key, item] : keyed)
        if (seen.insert(key).second)
            out.push_back(std::move(item));
    return out;
}

void BatchInputs::mapOutputs(std::vector<BatchItem>& items, const QString& outDir, const QString& outSuffix)
{
    std::map<QString, QString> owner;  // output -> the input that has it
    for (BatchItem& item : items) {
        const QFileInfo rel(item.relative);
        const QString folder = rel.path() == "." ? QString() : rel.path() + "/";
        item.output = QDir::cleanPath(outDir + "/" + folder + rel.completeBaseName() + outSuffix);
        const auto [it, inserted] = owner.emplace(item.output, item.input);
        if (!inserted && item.problem.empty())
            item.problem = "its output " + item.output.toStdString() + " is also the output of "
                           + it->second.toStdString() + " (rename one of them)";
    }
}

std::pair<int, int> BatchInputs::parseShard(const QString& value)
{
    const auto m = QRegularExpression("^(\\d{1,6})/(\\d{1,6})$").match(value.trimmed());
    const int i = m.hasMatch() ? m.captured(1).toInt() : -1;
    const int n = m.hasMatch() ? m.captured(2).toInt() : 0;
    if (n < 1 || i < 0 || i >= n)
        throw Error("invalid value for --shard: '" + value.toStdString() + "' (expected I/N with 0 <= I < N, e.g. 0/4)");
    return {i, n};
}

std::vector<BatchItem> BatchInputs::shard(const std::vector<BatchItem>& items, int index, int count)
{
    std::vector<BatchItem> out;
    for (std::size_t k = static_cast<std::size_t>(index); k < items.size(); k += static_cast<std::size_t>(count))
        out.push_back(items[k]);
    return out;
}

bool BatchInputs::isBatch(const QStringList& arguments, const QString& output)
{
    if (arguments.size() > 1)
        return true;
    for (const QString& a : arguments)
        if (a.startsWith('@') || QFileInfo(a).isDir())
            return true;
    return !output.isEmpty() && (output.endsWith('/') || QFileInfo(output).isDir());
}

}  // namespace sem::cli

#include "cli/commands/BenchCommand.h"

#include <QCommandLineParser>
#include <ostream>

#include "cli/Options.h"
#include "cli/bench/EncodeBench.h"
#include "core/common/Error.h"

namespace sem::cli {
namespace {

std::vector<std::string> toStd(const QStringList& l)
{
    std::vector<std::string> v;
    for (const QString& s : l)
        v.push_back(s.toStdString());
    return v;
}

}  // namespace

int BenchCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "bench [IN...] [--runs N]",
                  "Measures the encode path and prints a markdown table for docs/BENCHMARKS.md.");
    parser.addOption({"runs", "Repetitions per measurement; the median is reported (default 15).", "N", "15"});
    if (!Options::parse(parser, "bench", args, io))
        return kOk;
    const int runs = static_cast<int>(Options::toInt(parser, "runs", 1, 1000));
    std::vector<std::string> images = toStd(parser.positionalArguments());
    if (images.empty())
        throw Error("give one or more images to benchmark (e.g. resources/samples/*.jpg)");
    io.out << "Command: semc bench " << args.join(' ').toStdString() << "\n\n";
    return bench::runEncodeBench(images, runs, io.out);
}

}  // namespace sem::cli

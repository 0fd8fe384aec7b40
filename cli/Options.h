#pragma once
#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "cli/Command.h"
#include "core/edges/CannyParams.h"
#include "core/hint/HintCodec.h"

namespace sem::cli {

// Shared option parsing for the subcommands. Every number is checked; a bad value throws
// sem::Error("invalid value for --low: 'abc'").
class Options {
public:
    // Sets up a parser with the standard help option and a description; `synopsis` is the usage line.
    static void init(QCommandLineParser& parser, const std::string& synopsis, const std::string& description);
    // Parses `args` (without program and subcommand names). Returns false when --help was printed.
    // Throws sem::Error on an unknown option or a missing value.
    static bool parse(QCommandLineParser& parser, const QString& command, const QStringList& args, Io& io);
    // Exactly `count` positional arguments, else sem::Error naming what is expected.
    static QStringList positional(const QCommandLineParser& parser, int count, const std::string& what);

    static void addEdgeOptions(QCommandLineParser& parser);
    static CannyParams edgeParams(const QCommandLineParser& parser);
    static void addHintOptions(QCommandLineParser& parser);
    static HintParams hintParams(const QCommandLineParser& parser);

    static void addCaptionOptions(QCommandLineParser& parser);
    // The caption from --caption or --caption-file, trailing whitespace removed, UTF-8 checked.
    static std::string captionText(const QCommandLineParser& parser);

    static double toDouble(const QCommandLineParser& parser, const QString& name, double lo, double hi);
    static long long toInt(const QCommandLineParser& parser, const QString& name, long long lo, long long hi);
    // Exactly `count` comma-separated numbers, each in lo..hi.
    static std::vector<double> toDoubles(const QCommandLineParser& parser, const QString& name, int count, double lo,
                                         double hi);
};

}  // namespace sem::cli

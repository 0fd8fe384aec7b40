#pragma once
#include <QStringList>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace sem::cli {

// Exit codes of every subcommand.
enum ExitCode : int { kOk = 0, kBadInput = 1, kInterrupted = 130 };

// Where a command writes: normal output (what --json prints) and diagnostics.
struct Io {
    std::ostream& out;
    std::ostream& err;
};

// One `semc` subcommand. `args` excludes the program name and the subcommand name.
// A command parses its own options (QCommandLineParser), prints `--help` itself, and returns
// an ExitCode; sem::Error escaping run() is caught by the dispatcher, printed as one line
// ("semc NAME: message") and turned into exit code 1.
class Command {
public:
    virtual ~Command() = default;
    virtual std::string name() const = 0;
    virtual std::string summary() const = 0;  // one line for `semc --help`
    virtual int run(const QStringList& args, Io& io) = 0;
};

// All subcommands, in the order `semc --help` lists them.
std::vector<std::unique_ptr<Command>> allCommands();

// The whole CLI: argv in, exit code out. Needs a QCoreApplication to exist.
int runCli(const QStringList& arguments, Io& io);

}  // namespace sem::cli

#include <QCoreApplication>
#include <iomanip>
#include <ostream>

#include "cli/Command.h"
#include "cli/dispatch/LightCli.h"
#include "cli/commands/BaselineCommand.h"
#include "cli/commands/BenchCommand.h"
#include "cli/commands/CaptionCommand.h"
#include "cli/commands/ConfigCommand.h"
#include "cli/commands/EdgesCommand.h"
#ifdef SEM_HAVE_DIFFUSION
#include "cli/commands/DecodeCommand.h"
#include "cli/commands/EvalCommand.h"
#include "cli/commands/TrainCommand.h"
#endif
#include "cli/commands/EncodeCommand.h"
#include "cli/commands/InfoCommand.h"
#include "cli/commands/NiqeCommand.h"
#include "cli/commands/RdCommand.h"
#include "core/common/Error.h"

namespace sem::cli {
namespace {

void printUsage(Io& io)
{
    io.out << "Usage: semc COMMAND [options]   (semc COMMAND --help for its options)\n\n"
           << "SemCompress: semantic image compression (edges + caption + colour hint).\n\nCommands:\n";
    for (const auto& c : allCommands())
        io.out << "  " << std::left << std::setw(10) << c->name() << c->summary() << "\n";
    io.out << "\n  --version  Print the version and git hash.\n";
}

}  // namespace

std::vector<std::unique_ptr<Command>> allCommands()
{
    std::vector<std::unique_ptr<Command>> c;
    c.push_back(std::make_unique<EncodeCommand>());
    c.push_back(std::make_unique<InfoCommand>());
#ifdef SEM_HAVE_DIFFUSION
    c.push_back(std::make_unique<DecodeCommand>());
    c.push_back(std::make_unique<RoundtripCommand>());
    c.push_back(std::make_unique<GenerateCommand>());
    c.push_back(std::make_unique<TrainCommand>());
    c.push_back(std::make_unique<EvalCommand>());
#endif
    c.push_back(std::make_unique<CaptionCommand>());
    c.push_back(std::make_unique<ConfigCommand>());
    c.push_back(std::make_unique<EdgesCommand>());
    c.push_back(std::make_unique<BaselineCommand>());
    c.push_back(std::make_unique<RdCommand>());
    c.push_back(std::make_unique<NiqeCommand>());
    c.push_back(std::make_unique<BenchCommand>());
    return c;
}

int runCli(const QStringList& arguments, Io& io)
{
    const QStringList args = arguments.mid(1);
    if (args.isEmpty()) {
        printUsage(io);
        return kBadInput;
    }
    const QString first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
        printUsage(io);
        return kOk;
    }
    if (const std::optional<int> light = runLightCommand(arguments, io))
        return *light;
    for (auto& command : allCommands())
        if (QString::fromStdString(command->name()) == first)
            return runCommand(*command, args.mid(1), io);
    io.err << "semc: unknown command '" << first.toStdString() << "' (see semc --help)\n";
    return kBadInput;
}

}  // namespace sem::cli

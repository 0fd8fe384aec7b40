#include "cli/dispatch/LightCli.h"

#include <exception>
#include <new>
#include <ostream>

#include "cli/commands/InfoCommand.h"
#include "semversion.h"

namespace sem::cli {

int runCommand(Command& command, const QStringList& args, Io& io)
{
    try {
        return command.run(args, io);
    } catch (const std::bad_alloc&) {
        io.err << "semc " << command.name() << ": out of memory\n";
    } catch (const std::exception& e) {
        io.err << "semc " << command.name() << ": " << e.what() << "\n";
    }
    return kBadInput;
}

std::optional<int> runLightCommand(const QStringList& arguments, Io& io)
{
    if (arguments.size() < 2)
        return std::nullopt;
    const QString first = arguments[1];
    if (first == "--version" || first == "-v") {
        io.out << "semc " << version::kVersion << " (git " << version::kGitHash << ")\n";
        return kOk;
    }
    InfoCommand info;
    if (first == QString::fromStdString(info.name()))
        return runCommand(info, arguments.mid(2), io);
    return std::nullopt;
}

}  // namespace sem::cli

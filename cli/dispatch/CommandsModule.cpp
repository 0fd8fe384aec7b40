// The semc_commands module: every `semc` command, loaded by the semc launcher (app/semc/main.cpp)
// when a command other than --version and info is asked for. Its one entry point is plain C.
#include <QtGlobal>

#include "cli/Command.h"

extern "C" Q_DECL_EXPORT int semc_run_cli(const QStringList* arguments, sem::cli::Io* io)
{
    return sem::cli::runCli(*arguments, *io);
}

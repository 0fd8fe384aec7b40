#pragma once
#include <QStringList>
#include <optional>

#include "cli/Command.h"

namespace sem::cli {

// What `semc` answers without loading the commands module (the decoder engine with LibTorch and
// OpenCV's image codecs: ~300 shared libraries, over a second to start): `--version` and `info`.
// The semc launcher (app/semc) calls this first; runCli (Cli.cpp) too, so in-process runs answer
// the same. Returns the exit code, or nothing when another command is asked for.
std::optional<int> runLightCommand(const QStringList& arguments, Io& io);

// Runs one command, turning an escaping exception into "semc NAME: message" and exit code 1.
int runCommand(Command& command, const QStringList& args, Io& io);

}  // namespace sem::cli

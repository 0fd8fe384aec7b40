#pragma once
// Runs `semc ARGS...` in-process through the real dispatcher and keeps what it printed.
#include <QStringList>
#include <sstream>
#include <string>

#include "cli/Command.h"

namespace sem::cli::test {

struct Run {
    int code = -1;
    std::string out, err;
};

inline Run semc(QStringList args)
{
    std::ostringstream out, err;
    Io io{out, err};
    args.prepend("semc");
    Run r;
    r.code = runCli(args, io);
    r.out = out.str();
    r.err = err.str();
    return r;
}

}  // namespace sem::cli::test

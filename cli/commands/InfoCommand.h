#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc info FILE.sem [--json]
class InfoCommand : public Command {
public:
    std::string name() const override { return "info"; }
    std::string summary() const override { return "Show size, bpp and the bytes of every chunk of a .sem file."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc rd IN [--caption TEXT] [--json]
class RdCommand : public Command {
public:
    std::string name() const override { return "rd"; }
    std::string summary() const override
    {
        return "Rate-distortion points of every baseline over 0.005-0.5 bpp, and the semantic streams' rate.";
    }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

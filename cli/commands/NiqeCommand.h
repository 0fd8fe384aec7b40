#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc niqe IMAGE... [--json]
class NiqeCommand : public Command {
public:
    std::string name() const override { return "niqe"; }
    std::string summary() const override { return "Score images with NIQE (no reference; lower is more natural)."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc bench [IN...] [--runs N] and the measurement suites behind --edges, --text, --hint, ...
class BenchCommand : public Command {
public:
    std::string name() const override { return "bench"; }
    std::string summary() const override { return "Benchmarks (markdown output for docs/BENCHMARKS.md)."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc edges IN -o edges.png [edge options] [--full-size] [--json]
class EdgesCommand : public Command {
public:
    std::string name() const override { return "edges"; }
    std::string summary() const override { return "Write the Canny edge map of an image and report its coded size."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

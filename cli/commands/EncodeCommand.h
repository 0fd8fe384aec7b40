#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc encode IN -o OUT.sem [edge options] [hint options] [--caption TEXT | --caption-file F]
//             [--strip-metadata] [--json]
class EncodeCommand : public Command {
public:
    std::string name() const override { return "encode"; }
    std::string summary() const override { return "Encode an image into a .sem file (edges, caption, hint)."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc baseline IN --codec jpeg|webp|jp2|avif|webp-downscale --bpp B -o OUT.png [--json]
class BaselineCommand : public Command {
public:
    std::string name() const override { return "baseline"; }
    std::string summary() const override { return "Code an image with a classical codec at a target bpp."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

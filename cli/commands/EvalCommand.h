#pragma once
#include <string>
#include <vector>

#include "cli/Command.h"

namespace sem::cli {

// semc eval DIR [--captions captions.json] [--model M] [--json out.json] [--csv out.csv] [--plot out.png]
// DIR is a prepared data folder (OUT/data of semc train: its validation split is evaluated) or a
// folder of images.
class EvalCommand : public Command {
public:
    std::string name() const override { return "eval"; }
    std::string summary() const override {
        return "Rate-distortion evaluation of the model against the baselines (BD-rate, ablations, plot).";
    }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

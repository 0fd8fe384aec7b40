#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc train --data DIR [--captions captions.json] --out DIR [--resume] [--steps N] [--batch B]
//            [--crop P] [--device cpu|cuda] [--minutes M] [--prepare-only] [--samples N]
// A client of training/: prepares the data (training/data), runs training/loop's TrainingLoop in
// one process and prints its progress; --samples renders the sample pool of semc-train.
class TrainCommand : public Command {
public:
    std::string name() const override { return "train"; }
    std::string summary() const override { return "Prepare the data and train the decoder model (resumable)."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli

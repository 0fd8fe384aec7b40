#pragma once
#include <string>
#include <vector>

#include "training/loop/TrainSetup.h"
#include "training/loop/TrainingLoop.h"

namespace sem::training {

// The command line of semc-train: the training options of `semc train` (same names, ranges and
// defaults) minus those fixed when the sample pool was rendered (--crop and the augmentation).
struct ToolOptions {
    std::string data;          // the data folder `semc train` prepared (OUT/data, holding samples/)
    int batch = 8;             // per process
    TrainSettings settings;
    LoopOptions loop;
    std::string finalWeights;  // every rank writes its raw weights there ("{rank}" replaced); for tests
    bool help = false;

    // Throws sem::Error with a sentence naming the option on a bad or unknown one.
    static ToolOptions parse(const std::vector<std::string>& args);
    static std::string usage();
};

}  // namespace sem::training

#pragma once
// Plain C++ (no torch, no OpenCV): made by training/data (CaptionPriorSamples), fitted by
// training/loop (CaptionPriorFit).
#include <string>
#include <vector>

namespace sem::training {

// One training example of the caption prior: a caption and the G x G colour layout of its image
// (INTER_AREA downscale of the whole image), planar RGB in the model's range -1..1 (3*G*G values).
struct CaptionLayoutSample {
    std::string caption;
    std::vector<float> layout;
};

}  // namespace sem::training

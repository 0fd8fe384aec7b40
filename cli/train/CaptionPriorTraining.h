#pragma once
#include <string>
#include <vector>

#include "diffusion/builtin/CaptionPrior.h"

namespace sem::training {
struct ShardRecord;
}

namespace sem::cli {

// `semc train --caption-prior G`: fits the caption prior (diffusion/builtin/CaptionPrior.h) of an existing
// model on the training split of the prepared shards and writes the model with it.
class CaptionPriorTraining {
public:
    // Every caption of every record, with the G x G layout of its image and of its mirror image
    // (captions rarely say left or right). Records whose JPEG does not decode are skipped.
    static std::vector<diffusion::CaptionLayoutSample> samples(const std::vector<const training::ShardRecord*>& records,
                                                                int grid);
    // The G x G INTER_AREA layout of an 8-bit BGR image, planar RGB in -1..1.
    static std::vector<float> layoutOf(const std::vector<std::uint8_t>& encodedImage, int grid, bool mirror);
};

}  // namespace sem::cli

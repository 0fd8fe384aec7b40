#pragma once
#include <string>
#include <vector>

#include "training/CaptionLayoutSample.h"

namespace sem::training {

struct ShardRecord;

// `semc train --caption-prior G`: fits the caption prior (training/loop/CaptionPriorFit.h) of an existing
// model on the training split of the prepared shards and writes the model with it.
class CaptionPriorSamples {
public:
    // Every caption of every record, with the G x G layout of its image and of its mirror image
    // (captions rarely say left or right). Records whose JPEG does not decode are skipped.
    static std::vector<CaptionLayoutSample> samples(const std::vector<const ShardRecord*>& records,
                                                                int grid);
    // The G x G INTER_AREA layout of an 8-bit BGR image, planar RGB in -1..1.
    static std::vector<float> layoutOf(const std::vector<std::uint8_t>& encodedImage, int grid, bool mirror);
};

}  // namespace sem::training

#pragma once
#include <QStringList>
#include <string>
#include <vector>

#include "cli/eval/BdMetrics.h"
#include "core/pipeline/ModelLadder.h"
#include "core/pipeline/OperatingPoint.h"

namespace sem::cli {

// `semc eval --write-ladder FILE`: the model's rate ladder as this eval measured it. `means[i]` is the
// mean (bpp, PSNR, NIQE) of points[i] over the images (the files without caption, the sweep's decode, as
// `semc encode --target-bpp` writes them without a caption); the ladder keeps the points whose mean
// PSNR rises with their mean bpp (the Pareto front of the sweep), cheapest first.
std::vector<LadderRung> measuredLadder(const std::vector<OperatingPoint>& points, const std::vector<BdPoint>& means);

// Writes that ladder (core/pipeline/ModelLadder.h's format) atomically to `file`, recording the model
// id, the image count and the command (`args`: eval's arguments). Throws sem::Error when the sweep
// gives no rung (no points) or the file cannot be written.
void writeMeasuredLadder(const std::string& file, const std::vector<OperatingPoint>& points,
                         const std::vector<BdPoint>& means, const std::string& modelId, std::size_t images,
                         const QStringList& args);

}  // namespace sem::cli

#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace sem::bench {

// How well each preparation of a reduced edge map (diffusion/sd/ControlImage: nearest blocks,
// thinned, linked) looks like what a Canny ControlNet learnt from: OpenCV's Canny (100/200) of the
// image at the Stable Diffusion working size. For every image, edge scale 1/2, 1/4, 1/8 (our default
// Canny settings otherwise) and preparation: precision and recall of edge pixels within 2 pixels,
// their F-score, and the edge-pixel density relative to the reference. Writes markdown; returns 0, or
// 1 when no image could be read.
int runControlPreparationBench(const std::vector<std::string>& imagePaths, int workSize, std::ostream& out);

}  // namespace sem::bench

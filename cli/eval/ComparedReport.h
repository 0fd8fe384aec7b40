#pragma once
#include <string>
#include <vector>

#include "cli/eval/EvalImages.h"
#include "cli/eval/RdPlotImage.h"

namespace sem::cli {

// An earlier `semc eval --json` report on the same images (another model: the other family, or
// another model of one), whose model curves `semc eval --compare` draws beside its own: its
// "semantic at target bpp" curve and, where it has them, its sampled decodes' curves at target bpp
// ("semantic sampled 0.35", "semantic from noise"). The
// baselines and the hint alone are left out (the same images give the same ones).
struct ComparedReport {
    std::string path;
    std::string family;   // "sd1", "built-in" (a built-in model's report names no family)
    std::string modelId;
    std::vector<std::string> imageNames;  // with their sizes, to check against this run's
    std::vector<std::pair<int, int>> imageSizes;
    std::vector<Series> series;  // named "<family> <model id>: <curve without its 'semantic ' prefix>"

    // Reads and checks the report; throws sem::Error naming the file and what is wrong with it.
    static ComparedReport load(const std::string& path);
    // Throws sem::Error unless the report scored exactly these images (the same names and sizes in
    // the same order): curves over other images are not comparable.
    void requireImages(const std::vector<EvalImage>& evaluated) const;
};

}  // namespace sem::cli

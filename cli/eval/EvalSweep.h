#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/eval/EvalImages.h"
#include "cli/eval/EvalResults.h"
#include "core/format/SemFile.h"
#include "core/hint/HintCodec.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/OperatingPoint.h"

namespace sem::cli {

// The measuring half of `semc eval`: loads the images and the model, then per image encodes and
// decodes the sweep of operating points (with and without caption), the ablations, the hint alone,
// the sampled decodes of the first images and the baselines, and scores every decode (PSNR, SSIM,
// MS-SSIM, NIQE). The sweep's and ablations' decode is the built-in model's fidelity decode, or a
// Stable Diffusion model's default sampled decode (seeded: the same file decodes to the same
// pixels; --steps/--strength when given); a Stable Diffusion model gets no separate sampled decodes.
// Progress lines go to `progress`; EvalReport writes the results.
class EvalSweep {
public:
    // Throws sem::Error when the images, the model or the operating points cannot be used.
    EvalSweep(const EvalSettings& settings, std::ostream& progress);
    EvalResults run();
    // The images the sweep measures, in order (loaded by the constructor).
    const std::vector<EvalImage>& images() const { return images_; }

private:
    struct ImageRun;  // one image's state while it is measured

    void measureImage(std::size_t index, EvalResults& results);
    void sweepPoints(ImageRun& run, EvalResults& results);
    cv::Mat ablations(ImageRun& run, EvalResults& results);
    void hintOnly(ImageRun& run, EvalResults& results);
    void describeDecode(EvalResults& results) const;
    void sampledDecodes(ImageRun& run, const cv::Mat& fidelityDecode, EvalResults& results);
    void sampledAtTargets(ImageRun& run, EvalResults& results);
    void baselines(ImageRun& run, const std::vector<double>& targets);

    EvalSettings settings_;
    std::ostream& progress_;
    std::vector<EvalImage> images_;
    Decoder decoder_;
    std::vector<OperatingPoint> points_;
    // The hint alone at the four factors (default quality) and at every other hint setting of the
    // sweep; hintOfPoint_[p]: the entry with point p's hint setting.
    std::vector<HintParams> hintOnly_;
    std::vector<std::size_t> hintOfPoint_;
    bool sd_ = false;            // a Stable Diffusion model: sampled sweep decodes
    DecodeRequest sweepDecode_;  // the decode of the sweep and the ablations
};

}  // namespace sem::cli

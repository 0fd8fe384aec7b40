#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/eval/BdMetrics.h"
#include "cli/eval/ImageCurves.h"
#include "cli/eval/LadderCurve.h"
#include "cli/eval/SampledAtTargets.h"
#include "cli/eval/SharpnessStats.h"
#include "core/baselines/Baselines.h"

namespace sem::cli {

// What `semc eval` measures (the options of the command, parsed): see EvalCommand.
struct EvalSettings {
    std::string dir;           // a prepared data folder or a folder of images
    std::string captionsPath;  // captions.json, empty for none
    int limit = 0;             // at most this many images, 0 = all
    std::string model;         // empty: the installed default model
    std::string controlnet;    // a Stable Diffusion model's Canny ControlNet (empty: the model's own)
    std::string device = "auto";
    int sampledImages = 3;     // the first images that also get sampled decodes (built-in model only)
    int steps = 20;            // sampler steps of the sampled decodes
    float strength = 0.35f;    // strength of the sampled decodes from the first step's prediction
    // Given on the command line: a Stable Diffusion model's sweep decodes use them instead of the
    // family's defaults (the built-in model's sweep is the fidelity decode, which has neither).
    bool stepsGiven = false, strengthGiven = false;
    std::optional<int> workSize;        // Stable Diffusion: --work-size (default: the family's)
    std::optional<float> controlScale;  // Stable Diffusion: --control-scale (default: the family's)
    std::vector<BaselineCodec> codecs;
    std::string points;        // the operating points, SCALE:HINT[:HIGH[:MINLEN]],... (parseOperatingPoints)
};

// One measured decode: a row of the CSV, an entry of the image's JSON record.
struct EvalRow {
    std::string series;   // "semantic", "ablation", "hint-only", "sampled", "baseline", ...
    std::string setting;  // the operating point, ablation or codec@target
    BdPoint quality;
};

// One image's measurements, in the order they were made.
struct EvalImageResult {
    std::string name;
    int width = 0, height = 0;
    double niqe = 0;             // the original's own NIQE (NaN when it has none)
    std::vector<EvalRow> rows;
    std::optional<nlohmann::json> sampledRungs;  // SampledAtTargets::addImage's record, when sampled
};

// Everything `semc eval` measured, plain data: the per-image rows and the accumulators of the
// curves. EvalSweep fills it, EvalReport turns it into the text report, JSON, CSV and plots.
struct EvalResults {
    EvalResults(std::vector<double> targetBpps, int sampledSteps, float sampledStrength)
        : targets(targetBpps), steps(sampledSteps), strength(sampledStrength),
          sampledAtTargets(sampledTargets(targetBpps), sampledSteps, sampledStrength)
    {
    }

    // The targets of the BD range (0.01-0.05 bpp) that sampled decodes are made at.
    static std::vector<double> sampledTargets(const std::vector<double>& targets)
    {
        std::vector<double> out;
        std::copy_if(targets.begin(), targets.end(), std::back_inserter(out),
                     [](double t) { return t >= 0.01 && t <= 0.05; });
        return out;
    }

    std::vector<double> targets;            // the target bpps of the baselines and ladders
    std::vector<std::string> ablations;     // the ablation names, in report order
    std::vector<BaselineCodec> codecs;      // the baselines measured
    int steps = 0;                          // of the sampled decodes
    float strength = 0;                     // of the sampled decodes
    std::string modelId;
    // How the sweep, the ablations and the ladders were decoded. The built-in model: its fidelity
    // decode (one unguided step); a Stable Diffusion model: that family's default sampled decode
    // (seeded), described by `decodeText` and `decodeJson` (Report::decodeSettingsJson).
    std::string family = "built-in";         // Decoder::family(): "built-in", "sd1"
    std::string decodeLabel = "fidelity";    // in the sweep's series name, "semantic (LABEL)"
    std::string decodeText = "fidelity decode, guidance 1";
    nlohmann::json decodeJson;               // null for the built-in model
    std::string sampledSkipped;              // why the sampled decodes were not made (empty: not skipped)
    std::string sweepSeries() const { return "semantic (" + decodeLabel + ")"; }
    std::size_t imageCount = 0;
    std::vector<EvalImageResult> images;
    double originalNiqeSum = 0;             // NaN when an original has none
    int captioned = 0;                      // images with a caption

    // Per series, every image's points (a baseline target an image cannot reach stays empty).
    std::map<std::string, ImageCurves> perImageCurves;
    std::map<std::string, std::pair<double, double>> ablationSum;   // name -> (bpp, psnr) sums
    std::map<std::string, std::pair<double, double>> captionedSum;  // the same over captioned images
    LadderCurve ladderCaption, ladderNoCaption, ladderHintOnly;     // the "at target bpp" curves
    SharpnessStats sharpness;               // fidelity vs sampled decodes of the first images
    SampledAtTargets sampledAtTargets;      // the rate-distortion-perception curves
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace sem::cli

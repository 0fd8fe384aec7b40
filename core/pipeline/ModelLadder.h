#pragma once
#include <string>
#include <vector>

#include "core/pipeline/OperatingPoint.h"

namespace sem {

// One rung of a measured ladder: the operating point and what `semc eval` measured for it (mean over
// its images, files without caption, the model's eval decode: the built-in model's fidelity decode, a
// Stable Diffusion model's default sampled decode). NaN where the file does not say.
struct LadderRung {
    OperatingPoint point;
    double bpp = 0.0;
    double psnr = 0.0;
    double niqe = 0.0;  // NaN when not measured
};

// The operating-point ladder of one decoder model: the rungs `semc encode --target-bpp`, `--max-bytes`
// and the app's Fit to size choose from, cheapest first, each a higher mean PSNR than the one before.
// It is data that belongs to the model (measured for it by `semc eval --write-ladder FILE`), a small
// JSON file (docs/LADDER.md):
//   {"format": "semcompress-ladder", "formatVersion": 1, "model_id": "...", "images": 71,
//    "measured_by": "semc eval ...", "rungs": [{"point": "8:32:400", "bpp": 0.0055, "psnr": 17.28,
//    "niqe": 11.5}, ...]}
// found with the model (ladderPathFor). A model without one uses the built-in model's ladder and says so.
class ModelLadder {
public:
    // The default rate target of `semc encode`/`roundtrip` (single and batch) without rate options and
    // of the app's first use (docs/RESULTS.md, "The default rate").
    static constexpr double kDefaultTargetBpp = 0.03;

    std::vector<LadderRung> rungs;
    std::string file;        // the file it was read from; empty: the compiled-in copy
    std::string modelId;     // the model that was measured ("" when the file does not say)
    std::string measuredBy;  // the command that measured it
    int images = 0;          // how many images it was measured on (0: not said)
    bool fallback = false;   // the chosen model has no ladder of its own: this is the built-in model's
    std::string modelPath;   // the model whose ladder was asked for

    std::vector<OperatingPoint> points() const;
    // One line for a person: which ladder (file, model, measurement) and, for a fallback, that the
    // chosen model has none ("no ladder measured for this model; using the built-in model's").
    std::string describe() const;

    // Parses and checks a ladder file's text. Throws sem::Error "ladder FILE: <problem>." on anything
    // that is not a ladder: not JSON, wrong format or version, no rungs, a point that does not parse,
    // bpp or PSNR missing, not finite or not increasing from rung to rung.
    static ModelLadder parse(const std::string& text, const std::string& file);
    // Reads and parses a file (at most 1 MB). Throws sem::Error naming the file.
    static ModelLadder load(const std::string& file);
    // The ladder file's text for these rungs (what `semc eval --write-ladder` writes).
    static std::string serialize(const std::vector<LadderRung>& rungs, const std::string& modelId,
                                 const std::string& measuredBy, int images);

    // Where a model's ladder is, by the rule (docs/LADDER.md): a model folder (the built-in model or
    // a diffusers folder): FOLDER/ladder.json; a model set (.json): its "ladder" entry (relative to
    // the set) when it has one, else STEM.ladder.json beside it; any other model file
    // (X.safetensors): X.ladder.json beside it. The path may not exist.
    static std::string ladderPathFor(const std::string& modelPath);
    // The ladder of the model at modelPath: its own file when there is one (a bad file throws
    // sem::Error naming it), else the built-in model's (builtInModelPath's ladder.json; the compiled-in
    // copy when that is not there either), marked as a fallback. An empty modelPath means the
    // built-in model.
    static ModelLadder forModel(const std::string& modelPath, const std::string& builtInModelPath);
    // The built-in model's ladder: builtInModelPath/ladder.json, else the compiled-in copy
    // (RateLadder::rungs(), measured for the shipped model).
    static ModelLadder builtIn(const std::string& builtInModelPath);
};

}  // namespace sem

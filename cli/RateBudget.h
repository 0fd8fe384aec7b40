#pragma once
#include <QCommandLineParser>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <string>

#include "core/pipeline/ModelLadder.h"
#include "core/pipeline/RateLadder.h"

namespace sem::cli {

// --target-bpp B / --max-bytes N of `encode` and `roundtrip`: the edge and hint settings come from
// the decoder model's rate ladder (core/pipeline/ModelLadder.h: --model's ladder file, else the
// built-in model's), the highest operating point whose whole file fits. With no rate option at all
// (none of --target-bpp, --max-bytes, --scale, --low, --high, --auto, --min-length, --hint,
// --hint-quality) the default target kDefaultTargetBpp applies (docs/RESULTS.md, "The default rate").
class RateBudget {
public:
    // The default rate target of encode, roundtrip, batch encode and the app's first use.
    static constexpr double kDefaultTargetBpp = ModelLadder::kDefaultTargetBpp;

    // withModel: also add --model (encode; roundtrip has it from its decode options).
    static void addOptions(QCommandLineParser& parser, bool withModel = false);
    // Reads and checks the options: they exclude each other and the edge and hint options they set
    // (sem::Error naming the option otherwise); loads the ladder of --model (sem::Error naming a bad
    // ladder file).
    static RateBudget fromOptions(const QCommandLineParser& parser);
    // The built-in model's folder as the programs find it ($SEMCOMPRESS_MODEL, else
    // <program dir>/../share/semcompress/models/default); empty when it is not there.
    static std::string builtInModelPath();

    bool active() const { return targetBpp_ > 0.0 || maxBytes_ > 0; }
    // The budget is the default one (no rate option was given).
    bool byDefault() const { return byDefault_; }
    const ModelLadder& ladder() const { return ladder_; }
    // The byte budget for an image of this size (--max-bytes, or floor(B * pixels / 8)).
    std::size_t bytesFor(const cv::Mat& bgr) const;
    // Encodes at the chosen rung (sem::Error naming the smallest reachable size when none fits);
    // without a budget, with `base` as given (rung -1).
    LadderResult encode(const cv::Mat& bgr, const EncodeOptions& base) const;

    // What was chosen and why, for a person: two lines (the point and its settings; the bytes
    // against the budget and what the next rung would have cost).
    std::string describe(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const;
    // The same as JSON: rung, of, point, rung_point, edge_scale, canny_low, canny_high, min_length,
    // hint_factor, hint_quality, hint_quality_raised_from (null when not), bytes, budget_bytes,
    // budget_from (target_bpp, max_bytes or default), next_rung_bytes (null at the top rung),
    // ladder (file, null for the compiled-in copy), ladder_model_id, ladder_fallback, ladder_note.
    nlohmann::json json(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const;

private:
    double targetBpp_ = 0.0;
    long long maxBytes_ = 0;
    bool byDefault_ = false;
    ModelLadder ladder_;
};

}  // namespace sem::cli

#pragma once
#include <QCommandLineParser>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <string>

#include "core/pipeline/RateLadder.h"

namespace sem::cli {

// --target-bpp B / --max-bytes N of `encode` and `roundtrip`: the edge and hint settings come from
// the rate ladder (core/pipeline/RateLadder.h), the highest operating point whose whole file fits.
class RateBudget {
public:
    static void addOptions(QCommandLineParser& parser);
    // Reads and checks the options: they exclude each other and the edge and hint options they set
    // (sem::Error naming the option otherwise).
    static RateBudget fromOptions(const QCommandLineParser& parser);

    bool active() const { return targetBpp_ > 0.0 || maxBytes_ > 0; }
    // The byte budget for an image of this size (--max-bytes, or floor(B * pixels / 8)).
    std::size_t bytesFor(const cv::Mat& bgr) const;
    // Encodes at the chosen rung (sem::Error naming the smallest reachable size when none fits);
    // without a budget, with `base` as given (rung -1).
    LadderResult encode(const cv::Mat& bgr, const EncodeOptions& base) const;

    // What was chosen and why, for a person: two lines (the point and its settings; the bytes
    // against the budget and what the next rung would have cost).
    std::string describe(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const;
    // The same as JSON: rung, of, point, edge_scale, canny_low, canny_high, min_length, hint_factor,
    // hint_quality, bytes, budget_bytes, budget_from, next_rung_bytes (null at the top rung).
    nlohmann::json json(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const;

private:
    double targetBpp_ = 0.0;
    long long maxBytes_ = 0;
};

}  // namespace sem::cli

#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cli/eval/BdMetrics.h"
#include "cli/eval/ComparedReport.h"
#include "cli/eval/EvalResults.h"
#include "cli/eval/RdPlotImage.h"

namespace sem::cli {

// The reporting half of `semc eval`: from what EvalSweep measured, the mean curves (a point is the
// mean over every image), BD-PSNR/BD-rate of the semantic curves against each reference, their
// bootstrap intervals, the ablation means; written as the Markdown text report, the JSON, the
// per-image CSV and the rate-distortion plots.
class EvalReport {
public:
    // `resamples`: bootstrap resamples of the images for the intervals (0 = none).
    EvalReport(const EvalResults& results, int resamples);

    // Other reports on the same images (--compare): their model curves join the plots, the text
    // report and the JSON ("compared"); checked against the images by the caller.
    void addCompared(std::vector<ComparedReport> reports) { compared_ = std::move(reports); }
    void writeText(std::ostream& out) const;
    void writePlot(const std::string& path, PlotMetric metric) const;
    nlohmann::json json() const;
    std::string csv() const;
    // A mean curve by its series name ("semantic, no caption", ...), or null.
    const std::vector<BdPoint>* curve(const std::string& name) const { return find(name); }

private:
    struct PartialRow {  // a baseline target not every image reaches
        std::string codec;
        double target = 0;
        int images = 0;
        BdPoint mean;
    };
    struct BdRow {
        std::string test, reference;
        double psnr = 0, rate = 0, rateMsSsim = 0;
    };
    struct IntervalRow {
        std::string reference;
        double value = 0, lo = 0, hi = 0;
        int valid = 0;
    };
    struct AblationRow {
        std::string name;
        double bpp = 0, psnr = 0;
        int images = 0;
        bool captioned = false;  // has the captioned images' means
        double captionedBpp = 0, captionedPsnr = 0;
    };

    void buildCurves();
    void buildBd();
    void buildIntervals();
    void buildAblations();
    const std::vector<BdPoint>* find(const std::string& name) const;
    void writeCurves(std::ostream& out) const;
    void writeTables(std::ostream& out) const;
    void writeSampled(std::ostream& out) const;
    void writeCompared(std::ostream& out) const;
    nlohmann::json perImageJson() const;

    const EvalResults& r_;
    int resamples_ = 0;
    std::vector<Series> series_;
    std::vector<PartialRow> partial_;
    std::vector<BdRow> bd_;
    bool intervalsComputed_ = false;
    std::vector<IntervalRow> intervals_;
    std::vector<AblationRow> ablations_;
    std::vector<ComparedReport> compared_;
    double originalNiqe_ = 0;
    double seconds_ = 0;
};

}  // namespace sem::cli

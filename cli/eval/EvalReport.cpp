#include "cli/eval/EvalReport.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <sstream>
#include <utility>

#include "cli/NiqeSupport.h"
#include "cli/Report.h"

namespace sem::cli {

namespace {

// MS-SSIM in dB, -10 log10(1 - MS-SSIM), the scale its BD-rate is usually computed on.
std::vector<BdPoint> msSsimDb(std::vector<BdPoint> curve)
{
    for (BdPoint& p : curve)
        p.psnr = -10.0 * std::log10(std::max(1.0 - p.msSsim, 1e-10));
    return curve;
}

nlohmann::json pointJson(const BdPoint& p)
{
    return {{"bpp", p.bpp}, {"psnr", p.psnr}, {"ssim", p.ssim}, {"ms_ssim", p.msSsim},
            {"niqe", niqe_report::json(p.niqe)}};
}

// Series as JSON: name -> the points, by the series' order of points.
nlohmann::json curvesJson(const std::vector<Series>& series)
{
    nlohmann::json curves = nlohmann::json::object();
    for (const Series& s : series)
        for (const auto& p : s.points)
            curves[s.name].push_back(pointJson(p));
    return curves;
}

std::string orNa(double v, int decimals)
{
    return std::isfinite(v) ? Report::fixed(v, decimals) : "n/a";
}

}  // namespace

EvalReport::EvalReport(const EvalResults& results, int resamples) : r_(results), resamples_(resamples)
{
    buildCurves();
    buildBd();
    buildIntervals();
    buildAblations();
    originalNiqe_ = r_.imageCount == 0 ? std::nan("") : r_.originalNiqeSum / static_cast<double>(r_.imageCount);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - r_.started).count();
}

// Mean curves. A point is the mean over every image: a baseline target that some image cannot
// reach (its smallest file is larger) is left out of the curve and the BD metrics, since the mean
// over the images that do reach it describes easier images, not the set; it is listed apart.
void EvalReport::buildCurves()
{
    for (const auto& [name, ofImages] : r_.perImageCurves) {
        series_.push_back({name, ofImages.mean()});
        for (const ImageCurves::Partial& p : ofImages.partial())
            partial_.push_back({name, p.setting < r_.targets.size() ? r_.targets[p.setting] : 0.0, p.images, p.mean});
    }
    {
        // The user picks the setting per rate: the best of every operating point, with or without caption.
        std::vector<BdPoint> all;
        for (const Series& s : series_)
            if (s.name == r_.sweepSeries() || s.name == "semantic, no caption")
                all.insert(all.end(), s.points.begin(), s.points.end());
        series_.push_back({"semantic, best setting", paretoFront(all)});
    }
    for (const auto& [name, ladder] :
         {std::pair<std::string, const LadderCurve*>{"semantic at target bpp", &r_.ladderNoCaption},
          {"semantic at target bpp, caption", &r_.ladderCaption},
          {"hint only at target bpp", &r_.ladderHintOnly}}) {
        series_.push_back({name, ladder->atTargets(r_.targets)});
    }
    if (r_.sampledAtTargets.imageCount() > 0)
        for (Series& s : r_.sampledAtTargets.series(r_.imageCount))
            series_.push_back(std::move(s));
}

const std::vector<BdPoint>* EvalReport::find(const std::string& name) const
{
    for (const Series& s : series_)
        if (s.name == name)
            return &s.points;
    return nullptr;
}

// BD metrics of the semantic curves against every other curve, 0.01-0.05 bpp.
void EvalReport::buildBd()
{
    for (const std::string& testName : {r_.sweepSeries(), std::string("semantic, best setting"),
                                       std::string("semantic at target bpp"),
                                       std::string("semantic at target bpp, caption")}) {
        const auto* semantic = find(testName);
        for (const Series& s : series_) {
            if (!semantic || s.name.rfind("semantic", 0) == 0)
                continue;
            bd_.push_back({testName, s.name, bdPsnr(s.points, *semantic, 0.01, 0.05),
                           bdRatePercent(s.points, *semantic, 0.01, 0.05),
                           bdRatePercent(msSsimDb(s.points), msSsimDb(*semantic), 0.01, 0.05)});
        }
    }
}

// How far the rate-target BD-PSNRs could move with another sample of images: a paired bootstrap
// (the same resampled images on both curves).
void EvalReport::buildIntervals()
{
    intervalsComputed_ = resamples_ > 0 && r_.imageCount > 0;
    if (!intervalsComputed_)
        return;
    std::vector<std::pair<std::string, std::function<std::vector<BdPoint>(const std::vector<std::size_t>&)>>> refs;
    refs.emplace_back("hint only at target bpp", [&](const std::vector<std::size_t>& idx) {
        return r_.ladderHintOnly.atTargets(r_.targets, idx);
    });
    for (const auto& [name, ofImages] : r_.perImageCurves) {
        if (std::none_of(r_.codecs.begin(), r_.codecs.end(),
                         [&, n = name](BaselineCodec c) { return Baselines::name(c) == n; }))
            continue;  // the baselines only
        const ImageCurves* c = &ofImages;
        refs.emplace_back(name, [c](const std::vector<std::size_t>& idx) { return c->mean(idx); });
    }
    std::vector<std::size_t> all(r_.imageCount);
    std::iota(all.begin(), all.end(), std::size_t{0});
    for (const auto& [name, reference] : refs) {
        const auto statistic = [&, ref = reference](const std::vector<std::size_t>& idx) {
            return bdPsnr(ref(idx), r_.ladderNoCaption.atTargets(r_.targets, idx), 0.01, 0.05);
        };
        const double value = statistic(all);
        const Interval ci = bootstrapInterval(r_.imageCount, resamples_, 20261122, statistic);
        if (!std::isfinite(value) || ci.valid == 0)
            continue;
        intervals_.push_back({name, value, ci.lo, ci.hi, ci.valid});
    }
}

// Ablation means over the images that have them (the hint alone: every image), and over the
// captioned images.
void EvalReport::buildAblations()
{
    for (const std::string& name : r_.ablations) {
        const auto it = r_.ablationSum.find(name);
        if (it == r_.ablationSum.end())
            continue;
        int n = 0;
        for (const EvalImageResult& im : r_.images)
            if (std::any_of(im.rows.begin(), im.rows.end(),
                            [&](const EvalRow& row) { return row.series == "ablation" && row.setting == name; }))
                ++n;
        if (name == "hint only (bicubic)")
            n = static_cast<int>(r_.imageCount);
        if (n == 0)
            continue;
        AblationRow row{name, it->second.first / n, it->second.second / n, n, false, 0, 0};
        const auto c = r_.captionedSum.find(name);
        if (r_.captioned > 0 && c != r_.captionedSum.end()) {
            row.captioned = true;
            row.captionedBpp = c->second.first / r_.captioned;
            row.captionedPsnr = c->second.second / r_.captioned;
        }
        ablations_.push_back(row);
    }
}

void EvalReport::writeText(std::ostream& out) const
{
    out << "# semc eval: " << r_.imageCount << " images, model " << r_.modelId << "\n\n";
    if (r_.family != "built-in")
        out << "Model family " << r_.family << "; every point and ablation decoded with the " << r_.decodeText
            << ".\n\n";
    writeCurves(out);
    writeTables(out);
    writeSampled(out);
    writeCompared(out);
    out << "\n" << Report::fixed(seconds_, 0) << " s in total\n";
}

void EvalReport::writeCurves(std::ostream& out) const
{
    out << "## Mean curves (bpp, PSNR dB)\n\n";
    for (const Series& s : series_) {
        out << "- " << s.name << ":";
        for (const auto& p : s.points)
            out << " (" << Report::fixed(p.bpp, 4) << ", " << Report::fixed(p.psnr, 2) << ")";
        out << "\n";
    }
    out << "\n## Mean curves (bpp, SSIM, MS-SSIM; \"best setting\" is the PSNR front)\n\n";
    for (const Series& s : series_) {
        out << "- " << s.name << ":";
        for (const auto& p : s.points)
            out << " (" << Report::fixed(p.bpp, 4) << ", " << Report::fixed(p.ssim, 4) << ", "
                << Report::fixed(p.msSsim, 4) << ")";
        out << "\n";
    }
    out << "\n## Mean curves (bpp, NIQE; no reference, lower is more natural; the originals: "
        << niqe_report::text(originalNiqe_) << ")\n\n";
    for (const Series& s : series_) {
        out << "- " << s.name << ":";
        for (const auto& p : s.points)
            out << " (" << Report::fixed(p.bpp, 4) << ", " << niqe_report::text(p.niqe) << ")";
        out << "\n";
    }
}

void EvalReport::writeTables(std::ostream& out) const
{
    if (!partial_.empty()) {
        out << "\n## Baseline targets not every image reaches (left out of the curves, the plots and the BD "
               "metrics; means over the images that reach them)\n\n"
            << "| codec | target bpp | images | bpp | PSNR (dB) | SSIM | MS-SSIM |\n|---|---|---|---|---|---|---|\n";
        for (const PartialRow& p : partial_)
            out << "| " << p.codec << " | " << Report::fixed(p.target, 3) << " | " << p.images << " of "
                << r_.imageCount << " | " << Report::fixed(p.mean.bpp, 4) << " | " << Report::fixed(p.mean.psnr, 2)
                << " | " << Report::fixed(p.mean.ssim, 4) << " | " << Report::fixed(p.mean.msSsim, 4) << " |\n";
    }
    out << "\n## BD metrics of the semantic codec (" << r_.decodeLabel << ") vs each reference, 0.01-0.05 bpp\n\n"
        << "| semantic curve | reference | BD-PSNR (dB) | BD-rate (%) | BD-rate on MS-SSIM (dB scale) (%) |\n"
        << "|---|---|---|---|---|\n";
    for (const BdRow& b : bd_)
        out << "| " << b.test << " | " << b.reference << " | " << orNa(b.psnr, 2) << " | " << orNa(b.rate, 1)
            << " | " << orNa(b.rateMsSsim, 1) << " |\n";
    if (intervalsComputed_) {
        out << "\n## BD-PSNR of the semantic codec at target bpp, 0.01-0.05 bpp: 95 % intervals (" << resamples_
            << " bootstrap resamples of the images, paired)\n\n"
            << "| reference | BD-PSNR (dB) | 95 % interval (dB) |\n|---|---|---|\n";
        for (const IntervalRow& i : intervals_)
            out << "| " << i.reference << " | " << Report::fixed(i.value, 2) << " | " << Report::fixed(i.lo, 2)
                << " to " << Report::fixed(i.hi, 2) << " |\n";
    }
    out << "\n## Ablations (edges 1/4, hint 1/16 where present; " << r_.decodeText << ")\n\n"
        << "| conditions | mean bpp | mean PSNR (dB) | images | captioned images: bpp | PSNR (dB) |\n"
        << "|---|---|---|---|---|---|\n";
    for (const AblationRow& a : ablations_) {
        out << "| " << a.name << " | " << Report::fixed(a.bpp, 4) << " | " << Report::fixed(a.psnr, 2) << " | "
            << a.images << " | ";
        if (a.captioned)
            out << Report::fixed(a.captionedBpp, 4) << " | " << Report::fixed(a.captionedPsnr, 2) << " |\n";
        else
            out << "- | - |\n";
    }
}

void EvalReport::writeSampled(std::ostream& out) const
{
    const std::string strengthText = Report::fixed(r_.strength, 2);
    if (!r_.sampledSkipped.empty())
        out << "\n## Sampled decodes: skipped for model family " << r_.family << " (" << r_.sampledSkipped << ")\n";
    if (const int sampledCount = r_.sharpness.count("original"); sampledCount > 0)
        out << "\n## Fidelity vs sampled (edges 1/4 + caption + hint 1/16, " << sampledCount << " images, DPM++(2M) "
            << r_.steps << " steps; strength " << strengthText
            << ": that share of the steps, from the first step's prediction; edge contrast: mean gradient on the "
               "original's Canny boundaries)\n\n"
            << r_.sharpness.markdownTable();
    if (r_.sampledAtTargets.imageCount() > 0)
        out << "\n## Rate-distortion-perception at target bpp (" << r_.sampledAtTargets.imageCount()
            << " images; per image the rung of the \"semantic at target bpp\" curve, files without caption, "
               "decoded by fidelity, by DPM++(2M) "
            << r_.steps << " steps at strength " << strengthText
            << " and from noise, the file's guidance; NIQE: lower is more natural)\n\n"
            << r_.sampledAtTargets.markdownTable();
}

void EvalReport::writePlot(const std::string& path, PlotMetric metric) const
{
    std::string plotTitle = std::to_string(r_.imageCount) + " images, model " + r_.modelId;
    std::vector<Series> shown = series_;
    for (const ComparedReport& c : compared_)
        shown.insert(shown.end(), c.series.begin(), c.series.end());
    if (!compared_.empty())
        plotTitle += " (" + r_.family + "), dashed: other models";
    const char* what = metric == PlotMetric::Psnr     ? "bpp vs PSNR, "
                       : metric == PlotMetric::Ssim   ? "bpp vs SSIM, "
                       : metric == PlotMetric::MsSsim ? "bpp vs MS-SSIM, "
                                                      : "bpp vs NIQE (lower is more natural), ";
    drawRdPlot(shown, path, what + plotTitle, metric);
}

// The curves of the --compare reports: the same images, another model.
void EvalReport::writeCompared(std::ostream& out) const
{
    if (compared_.empty())
        return;
    out << "\n## Compared reports (the same " << r_.imageCount
        << " images, other models; mean bpp, PSNR dB, NIQE per target bpp)\n\n";
    for (const ComparedReport& c : compared_) {
        out << "From " << c.path << " (model family " << c.family << ", model " << c.modelId << "):\n";
        for (const Series& s : c.series) {
            out << "- " << s.name << ":";
            for (const BdPoint& p : s.points)
                out << " (" << Report::fixed(p.bpp, 4) << ", " << orNa(p.psnr, 2) << ", " << niqe_report::text(p.niqe)
                    << ")";
            out << "\n";
        }
    }
}

nlohmann::json EvalReport::perImageJson() const
{
    nlohmann::json perImage = nlohmann::json::array();
    for (const EvalImageResult& im : r_.images) {
        nlohmann::json rec = {{"image", im.name}, {"width", im.width}, {"height", im.height},
                              {"niqe", niqe_report::json(im.niqe)}};
        for (const EvalRow& row : im.rows)
            rec[row.series][row.setting] = pointJson(row.quality);
        if (im.sampledRungs)
            rec["sampled_rungs"] = *im.sampledRungs;
        perImage.push_back(rec);
    }
    return perImage;
}

nlohmann::json EvalReport::json() const
{
    const nlohmann::json curves = curvesJson(series_);
    nlohmann::json partial = nlohmann::json::object();
    for (const PartialRow& p : partial_) {
        nlohmann::json point = pointJson(p.mean);
        point["target_bpp"] = p.target;
        point["images"] = p.images;
        partial[p.codec].push_back(point);
    }
    nlohmann::json bd = nlohmann::json::object();
    auto value = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
    for (const BdRow& b : bd_)
        bd[b.test][b.reference] = {{"bd_psnr_db", value(b.psnr)}, {"bd_rate_percent", value(b.rate)},
                                   {"bd_rate_ms_ssim_percent", value(b.rateMsSsim)}};
    nlohmann::json intervals = nlohmann::json::object();
    for (const IntervalRow& i : intervals_)
        intervals[i.reference] = {{"bd_psnr_db", i.value}, {"lo", i.lo}, {"hi", i.hi}, {"resamples", i.valid}};
    nlohmann::json abl = nlohmann::json::object();
    for (const AblationRow& a : ablations_) {
        abl[a.name] = {{"bpp", a.bpp}, {"psnr", a.psnr}, {"images", a.images}};
        if (a.captioned)
            abl[a.name]["captioned"] = {{"bpp", a.captionedBpp}, {"psnr", a.captionedPsnr}, {"images", r_.captioned}};
    }
    nlohmann::json sampledJson;
    if (const int sampledCount = r_.sharpness.count("original"); sampledCount > 0) {
        sampledJson = r_.sharpness.json();
        sampledJson["images"] = sampledCount;
        sampledJson["steps"] = r_.steps;
        sampledJson["strength"] = r_.strength;
    }
    nlohmann::json j = {{"images", r_.imageCount}, {"model_id", r_.modelId},
                        {"original_niqe", niqe_report::json(originalNiqe_)}, {"curves", curves},
                        {"partial_points", partial}, {"bd_0.01_0.05", bd}, {"bd_intervals_at_target", intervals},
                        {"ablations", abl}, {"sampled", sampledJson}, {"seconds", seconds_},
                        {"per_image", perImageJson()}};
    if (r_.sampledAtTargets.imageCount() > 0)
        j["sampled_at_target"] = r_.sampledAtTargets.json();
    if (!compared_.empty()) {
        nlohmann::json compared = nlohmann::json::array();
        for (const ComparedReport& c : compared_)
            compared.push_back({{"file", c.path}, {"family", c.family}, {"model_id", c.modelId},
                                {"curves", curvesJson(c.series)}});
        j["compared"] = compared;
    }
    if (r_.family != "built-in") {  // the built-in model's JSON stays as it was: its decode is the fidelity decode
        j["family"] = r_.family;
        j["decode"] = r_.decodeJson;
        j["decode_text"] = r_.decodeText;
        j["sweep_series"] = r_.sweepSeries();
        if (!r_.sampledSkipped.empty())
            j["sampled_skipped"] = r_.sampledSkipped;
    }
    return j;
}

std::string EvalReport::csv() const
{
    std::ostringstream csv;
    csv << "image,series,setting,bpp,psnr,ssim,ms_ssim,niqe\n";
    for (const EvalImageResult& im : r_.images) {
        for (const EvalRow& row : im.rows) {
            const BdPoint& q = row.quality;
            csv << im.name << "," << row.series << "," << row.setting << "," << q.bpp << "," << q.psnr << ","
                << q.ssim << "," << q.msSsim << ",";
            if (std::isfinite(q.niqe))  // empty when the decode has no NIQE (under 192x96, flat)
                csv << q.niqe;
            csv << "\n";
        }
    }
    return csv.str();
}

}  // namespace sem::cli

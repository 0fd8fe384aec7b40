#include "cli/eval/EvalSweep.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "cli/NiqeSupport.h"
#include "cli/Report.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Encoder.h"

namespace sem::cli {

using Clock = std::chrono::steady_clock;

// One image's state while it is measured: its record, the points of every series (the mean curves
// and bootstrap resamples come from them), the ladders' rungs and the file of the ablations.
struct EvalSweep::ImageRun {
    ImageRun(const EvalImage& image, EvalImageResult& record) : im(image), rec(record) {}

    const EvalImage& im;
    EvalImageResult& rec;
    std::map<std::string, std::vector<std::optional<BdPoint>>> points;
    std::vector<BdPoint> withCaption, withoutCaption;
    std::vector<SemFile> ladderFiles;  // the files without caption: the rungs of the rate-target curve
    SemFile full;                      // edges 1/4, hint 1/16, caption: the ablations' file

    void add(const std::string& series, std::size_t point, std::size_t pointsInSeries, const BdPoint& q)
    {
        auto& v = points[series];
        if (v.size() < pointsInSeries)
            v.resize(pointsInSeries);
        v[point] = q;
    }
    void record(const std::string& series, const std::string& setting, const BdPoint& q)
    {
        rec.rows.push_back({series, setting, q});
    }
    // bpp with PSNR, SSIM and MS-SSIM of a decode against the original, and the decode's NIQE.
    BdPoint quality(const cv::Mat& decoded, double bpp) const
    {
        const metrics::Scores s = metrics::all(im.bgr, decoded);
        return BdPoint{bpp, s.psnr, s.ssim, s.msSsim, niqe_report::score(decoded)};
    }
};

EvalSweep::EvalSweep(const EvalSettings& settings, std::ostream& progress)
    : settings_(settings), progress_(progress),
      images_(loadEvalImages(settings.dir, settings.captionsPath, settings.limit)),
      decoder_(settings.model, settings.device, settings.controlnet)
{
    progress_ << "evaluating " << images_.size() << " images with model " << decoder_.modelId() << " on "
              << decoder_.deviceName() << "\n";
    sd_ = decoder_.settingsFamily() == DecodeSettings::StableDiffusion1;
    // Operating points of the semantic codec, each with and without caption.
    points_ = parseOperatingPoints(settings.points);
    // The hint alone, bicubic, at the four factors (default quality) and at every other hint setting
    // of the sweep: what the same bits buy spent on the hint only, without edges, caption or model.
    // hintOfPoint_[p]: the entry of hintOnly_ with point p's hint setting (the ladder of hints alone
    // that the rate-target curves use; see LadderCurve).
    for (const int factor : {32, 16, 8, 4})
        hintOnly_.push_back({factor, -1});
    for (const OperatingPoint& p : points_) {
        const auto same = std::find_if(hintOnly_.begin(), hintOnly_.end(), [&](const HintParams& h) {
            return h.factor == p.hint && h.quality == p.hintQuality;
        });
        hintOfPoint_.push_back(static_cast<std::size_t>(same - hintOnly_.begin()));
        if (same == hintOnly_.end())
            hintOnly_.push_back({p.hint, p.hintQuality});
    }
    sweepDecode_.force = true;
    if (sd_) {
        // The family's default decode (its seed, 0, makes it deterministic), with the steps and
        // strength of the command line when given.
        if (settings.stepsGiven)
            sweepDecode_.steps = settings.steps;
        if (settings.strengthGiven)
            sweepDecode_.strength = settings.strength;
        sweepDecode_.workSize = settings.workSize;
        sweepDecode_.controlScale = settings.controlScale;
    } else {
        sweepDecode_.fidelity = true;
        sweepDecode_.guidance = 1.0f;
    }
}

// What the report says of the sweep's decode (the built-in model keeps EvalResults' defaults).
void EvalSweep::describeDecode(EvalResults& results) const
{
    results.family = decoder_.family();
    if (!sd_)
        return;
    const DecodeSettings s = Decoder::resolve(DecodeSettings{}, sweepDecode_, DecodeSettings::StableDiffusion1);
    results.decodeLabel = "sd1 sampled decode";
    results.decodeText = "Stable Diffusion 1.x + ControlNet sampled decode: " + Report::samplerName(s.sampler) +
                         (s.karras ? " (Karras sigmas), " : ", ") + std::to_string(s.steps) + " steps, guidance " +
                         Report::fixed(s.guidanceTenths / 10.0, 1) + ", strength " +
                         Report::fixed(s.strengthPercent / 100.0, 2) +
                         " from the hint (from noise without one), control scale " +
                         Report::fixed(s.controlScaleHundredths / 100.0, 2) + ", working size " +
                         std::to_string(s.workSize) + ", colour fix " + (s.colourFix ? "on" : "off") + ", seed " +
                         std::to_string(s.seed);
    results.decodeJson = Report::decodeSettingsJson(s);
    results.sampledSkipped = "every point is already decoded with this family's sampled decode; --sampled "
                             "compares the built-in model's one-step decode with its sampled decodes";
}

EvalResults EvalSweep::run()
{
    EvalResults results({0.01, 0.015, 0.02, 0.03, 0.05, 0.08}, settings_.steps, settings_.strength);
    // Ablations at edges 1/4 and hint 1/16: chunks dropped from the same file.
    results.ablations = {"edges only", "edges+caption", "edges+hint", "edges+caption+hint",
                         "caption only", "hint only (bicubic)"};
    results.codecs = settings_.codecs;
    results.modelId = decoder_.modelId();
    describeDecode(results);
    if (sd_)
        progress_ << "decoding every point with the " << results.decodeText << "\n";
    results.imageCount = images_.size();
    results.started = Clock::now();
    for (std::size_t i = 0; i < images_.size(); ++i)
        measureImage(i, results);
    return results;
}

void EvalSweep::measureImage(std::size_t i, EvalResults& results)
{
    const EvalImage& im = images_[i];
    results.captioned += im.caption.empty() ? 0 : 1;
    EvalImageResult rec;
    rec.name = im.name;
    rec.width = im.bgr.cols;
    rec.height = im.bgr.rows;
    rec.niqe = niqe_report::score(im.bgr);
    results.originalNiqeSum += rec.niqe;
    ImageRun run(im, rec);
    sweepPoints(run, results);
    const cv::Mat fid = ablations(run, results);
    hintOnly(run, results);
    const bool sampled = !sd_ && static_cast<int>(i) < settings_.sampledImages;
    if (sampled)
        sampledDecodes(run, fid, results);
    if (sampled)
        sampledAtTargets(run, results);
    baselines(run, results.targets);
    for (auto& [name, ofImage] : run.points)
        results.perImageCurves[name].addImage(std::move(ofImage));
    results.images.push_back(std::move(rec));
    progress_ << "[" << (i + 1) << "/" << images_.size() << "] " << im.name << "  "
              << Report::fixed(std::chrono::duration<double>(Clock::now() - results.started).count(), 0) << " s\n";
}

// Every operating point, decoded (fidelity, or a Stable Diffusion model's sampled decode) with the
// caption and without.
void EvalSweep::sweepPoints(ImageRun& run, EvalResults& results)
{
    for (std::size_t p = 0; p < points_.size(); ++p) {
        EncodeOptions o;
        points_[p].apply(o);
        o.caption = run.im.caption;
        o.writeMetadata = false;
        o.modelId = decoder_.modelId32();
        SemFile file = Encoder::encode(run.im.bgr, o).file;
        if (!points_[p].hasEdges())
            file.edges.reset();
        const BdPoint q = run.quality(decoder_.decode(file, sweepDecode_).image, file.bpp());
        run.add(results.sweepSeries(), p, points_.size(), q);
        run.record("semantic", points_[p].label(true), q);
        run.withCaption.push_back(q);
        file.caption.reset();
        const BdPoint noCaption = run.quality(decoder_.decode(file, sweepDecode_).image, file.bpp());
        run.add("semantic, no caption", p, points_.size(), noCaption);
        run.record("semantic", points_[p].label(false), noCaption);
        run.withoutCaption.push_back(noCaption);
        run.ladderFiles.push_back(file);
    }
    results.ladderCaption.addImage(run.withCaption);
    results.ladderNoCaption.addImage(run.withoutCaption);
}

// The chunks of one file (edges 1/4, hint 1/16, caption) dropped in turn; returns the sweep's
// decode of the whole file.
cv::Mat EvalSweep::ablations(ImageRun& run, EvalResults& results)
{
    EncodeOptions o;
    o.canny.scaleDenominator = 4;
    o.hint.factor = 16;
    o.caption = run.im.caption;
    o.writeMetadata = false;
    o.modelId = decoder_.modelId32();
    run.full = Encoder::encode(run.im.bgr, o).file;
    auto ablate = [&](const std::string& name, bool edges, bool caption, bool hint) {
        SemFile f = run.full;
        if (!edges)
            f.edges.reset();
        if (!caption)
            f.caption.reset();
        if (!hint)
            f.hint.reset();
        const cv::Mat out = decoder_.decode(f, sweepDecode_).image;
        const BdPoint q = run.quality(out, f.bpp());
        results.ablationSum[name].first += q.bpp;
        results.ablationSum[name].second += q.psnr;
        if (!run.im.caption.empty()) {
            results.captionedSum[name].first += q.bpp;
            results.captionedSum[name].second += q.psnr;
        }
        run.record("ablation", name, q);
        return out;
    };
    ablate("edges only", true, false, false);
    ablate("edges+caption", true, true, false);
    ablate("edges+hint", true, false, true);
    const cv::Mat fid = ablate("edges+caption+hint", true, true, true);
    if (!run.im.caption.empty())
        ablate("caption only", false, true, false);
    return fid;
}

// The hint alone, upsampled bicubic, at every hint setting; its ladder for the rate-target curve.
void EvalSweep::hintOnly(ImageRun& run, EvalResults& results)
{
    const EvalImage& im = run.im;
    std::vector<BdPoint> hintResults;
    for (std::size_t k = 0; k < hintOnly_.size(); ++k) {
        const HintParams& hp = hintOnly_[k];
        const auto payload = HintCodec::encode(im.bgr, hp);
        SemFile f = run.full;
        f.edges.reset();
        f.caption.reset();
        f.hint = payload;
        const BdPoint q = run.quality(
            HintCodec::decodeUpsampled(payload.data(), payload.size(), im.bgr.cols, im.bgr.rows), f.bpp());
        run.add("hint only (bicubic)", k, hintOnly_.size(), q);
        hintResults.push_back(q);
        run.record("hint-only", "hint" + std::to_string(hp.factor) +
                                    (hp.quality > 0 ? "q" + std::to_string(hp.quality) : std::string()),
                   q);
        if (hp.factor == 16 && hp.quality == -1) {
            results.ablationSum["hint only (bicubic)"].first += q.bpp;
            results.ablationSum["hint only (bicubic)"].second += q.psnr;
            if (!im.caption.empty()) {
                results.captionedSum["hint only (bicubic)"].first += q.bpp;
                results.captionedSum["hint only (bicubic)"].second += q.psnr;
            }
        }
    }
    std::vector<BdPoint> hintLadder;
    for (const std::size_t k : hintOfPoint_)
        hintLadder.push_back(hintResults[k]);
    results.ladderHintOnly.addImage(hintLadder);
}

// From pure noise (strength 1) and from the fidelity decode (--strength), each with the file's
// guidance (the decoder default, 2) and with none: with a model that has edge guidance, what
// guiding by the edges adds.
void EvalSweep::sampledDecodes(ImageRun& run, const cv::Mat& fid, EvalResults& results)
{
    const EvalImage& im = run.im;
    const int steps = settings_.steps;
    const float strength = settings_.strength;
    const cv::Mat mask = SharpnessStats::boundaryMask(im.bgr);
    results.sharpness.add("fidelity", fid, mask, metrics::psnr(im.bgr, fid));
    const std::string strengthText = Report::fixed(strength, 2);
    std::vector<float> strengths{1.0f};
    if (strength < 1.0f)
        strengths.push_back(strength);
    for (const float st : strengths) {
        const std::string from = st >= 1.0f ? "from noise" : "strength " + strengthText;
        DecodeRequest sampled;
        sampled.steps = steps;
        sampled.strength = st;
        sampled.force = true;
        sampled.seed = 1;
        const cv::Mat guided = decoder_.decode(run.full, sampled).image;
        sampled.guidance = 1.0f;
        const cv::Mat unguided = decoder_.decode(run.full, sampled).image;
        const BdPoint gq = run.quality(guided, run.full.bpp());
        const double gp = gq.psnr;
        if (st < 1.0f)  // the default decode's per-image row
            run.record("sampled", "dpm++2m " + std::to_string(steps) + " steps, strength " + strengthText, gq);
        results.sharpness.add("sampled " + from + ", guidance 1", unguided, mask, metrics::psnr(im.bgr, unguided));
        results.sharpness.add("sampled " + from + ", the file's guidance", guided, mask, gp);
    }
    results.sharpness.add("original", im.bgr, mask, std::nan(""));
}

// Sampled decodes of the rung that each target bpp of the BD range picks (files without caption).
void EvalSweep::sampledAtTargets(ImageRun& run, EvalResults& results)
{
    std::vector<std::string> labels;
    for (const OperatingPoint& p : points_)
        labels.push_back(p.label(false));
    const auto decodeRung = [&](std::size_t rung, float st) {
        DecodeRequest sampled;
        sampled.steps = settings_.steps;
        sampled.strength = st;
        sampled.force = true;
        sampled.seed = 1;
        return decoder_.decode(run.ladderFiles.at(rung), sampled).image;
    };
    const auto quality = [&](const cv::Mat& decoded, double bpp) { return run.quality(decoded, bpp); };
    const auto record = [&](const std::string& series, const std::string& setting, const BdPoint& q) {
        run.record(series, setting, q);
    };
    run.rec.sampledRungs =
        results.sampledAtTargets.addImage(run.withoutCaption, labels, run.rec.niqe, decodeRung, quality, record);
}

// Every baseline codec at the target bpps (a target the image cannot reach is left empty).
void EvalSweep::baselines(ImageRun& run, const std::vector<double>& targets)
{
    for (const BaselineCodec c : settings_.codecs) {
        run.points[Baselines::name(c)].resize(targets.size());  // this image counts even if it reaches none
        const auto measured = Baselines::atTargetBpps(run.im.bgr, c, targets);
        for (std::size_t k = 0; k < measured.size(); ++k) {
            if (!measured[k].reached)
                continue;  // even the lowest setting is above the target: not on this curve
            const BdPoint q = run.quality(measured[k].decoded, measured[k].bpp);
            run.add(Baselines::name(c), k, targets.size(), q);
            run.record("baseline", Baselines::name(c) + "@" + Report::fixed(targets[k], 3), q);
        }
    }
}

}  // namespace sem::cli

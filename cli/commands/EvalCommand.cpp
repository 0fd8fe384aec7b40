#include "cli/commands/EvalCommand.h"

#include <QCommandLineParser>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iterator>
#include <map>
#include <numeric>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <ostream>
#include <sstream>

#include "cli/NiqeSupport.h"
#include "cli/Options.h"
#include "cli/eval/BdMetrics.h"
#include "cli/eval/EvalImages.h"
#include "cli/eval/ImageCurves.h"
#include "cli/eval/LadderCurve.h"
#include "cli/eval/LadderWriter.h"
#include "cli/eval/RdPlotImage.h"
#include "cli/eval/SampledAtTargets.h"
#include "cli/eval/SharpnessStats.h"
#include "cli/Report.h"
#include "core/baselines/Baselines.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/OperatingPoint.h"
#include "core/pipeline/RateLadder.h"

namespace sem::cli {

using Clock = std::chrono::steady_clock;

int EvalCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "eval DIR [options]",
                  "Evaluates the decoder model on the validation split of a prepared data folder (OUT/data\n"
                  "of semc train; the original files are used when still present) or on a folder of images:\n"
                  "the semantic codec at a sweep of operating points (fidelity decodes, guidance 1), a few\n"
                  "sampled decodes, the baselines over the same bpp range (PSNR, SSIM and MS-SSIM curves),\n"
                  "BD-rate/BD-PSNR and ablations. Every decode also gets its NIQE (no-reference, lower is more\n"
                  "natural; about 30 ms a decode), and the originals theirs.");
    parser.addOption({"captions", "captions.json: file name -> captions (the first is used).", "FILE"});
    parser.addOption({"model", "Model directory (default: the installed default model).", "DIR"});
    parser.addOption({"device", "auto, cpu or cuda (default auto).", "DEV", "auto"});
    parser.addOption({"limit", "Evaluate at most N images, evenly spaced over the split (0 = all).", "N", "0"});
    parser.addOption({"sampled", "Images that also get sampled decodes, from noise and at --strength, each with the "
                                 "file's guidance and with none, and, with the file's guidance, the rung that each "
                                 "target bpp of 0.01-0.05 picks (the rate-distortion-perception curves; default 3).",
                      "N", "3"});
    parser.addOption({"steps", "Sampler steps of the sampled decodes (default 20).", "N", "20"});
    parser.addOption({"strength", "Strength of the sampled decodes that start from the first step's prediction "
                                  "(default: the decoder's default, " + QString::number(Decoder::kDefaultStrengthPercent / 100.0) + ").",
                      "F", QString::number(Decoder::kDefaultStrengthPercent / 100.0)});
    parser.addOption({"baselines", "Comma-separated baseline codecs (default: all available).", "LIST"});
    parser.addOption({"bootstrap", "Resamples of the images for the 95 % intervals of the rate-target BD-PSNRs "
                                   "(default 1000, 0 = none).", "N", "1000"});
    parser.addOption({"json", "Write the full results as JSON.", "FILE"});
    parser.addOption({"csv", "Write per-image results as CSV.", "FILE"});
    parser.addOption({"plot", "Write the bpp-PSNR plot (PNG).", "FILE"});
    parser.addOption({"plot-ssim", "Write the bpp-SSIM plot (PNG).", "FILE"});
    parser.addOption({"plot-ms-ssim", "Write the bpp-MS-SSIM plot (PNG).", "FILE"});
    parser.addOption({"plot-niqe", "Write the bpp-NIQE plot (PNG; lower is more natural).", "FILE"});
    parser.addOption({"points", "Operating points SCALE:HINT[:HIGH[:MINLEN]], comma-separated: edge scale\n"
                                "1/SCALE (0 = no edges, the model redraws from the hint alone), hint factor\n"
                                "(with qQ: hint quality 1..100, e.g. 8q20),\n"
                                "Canny high threshold (low = HIGH/2; default 100/200), minimum edge fragment\n"
                                "length in pixels (default: sparse 1/8 edges over every hint factor and a\n"
                                "few hint qualities, the settings that cost the fewest bits per dB; see\n"
                                "docs/RESULTS.md); the list order is also the ladder of the \"at target bpp\"\n"
                                "curves: by default the rungs of semc encode --target-bpp (files without\n"
                                "metadata, as with --strip-metadata).",
                      "LIST", QString::fromStdString(RateLadder::pointList())});
    parser.addOption({"write-ladder", "Write the model's rate ladder measured here (docs/LADDER.md): the points whose "
                                      "mean PSNR rises with bpp, files without caption.", "FILE"});
    if (!Options::parse(parser, "eval", args, io))
        return kOk;
    const std::string dir = Options::positional(parser, 1, "a prepared data folder or an image folder")[0].toStdString();
    const int limit = static_cast<int>(Options::toInt(parser, "limit", 0, 1000000));
    const int sampledImages = static_cast<int>(Options::toInt(parser, "sampled", 0, 1000000));
    const int steps = static_cast<int>(Options::toInt(parser, "steps", 1, 1000));
    const auto strength = static_cast<float>(Options::toDouble(parser, "strength", 0.01, 1));
    const int resamples = static_cast<int>(Options::toInt(parser, "bootstrap", 0, 100000));
    std::vector<BaselineCodec> codecs;
    if (parser.isSet("baselines")) {
        for (const QString& n : parser.value("baselines").split(',', Qt::SkipEmptyParts)) {
            const auto c = Baselines::parse(n.trimmed().toStdString());
            if (!c)
                throw Error("unknown baseline '" + n.toStdString() + "'.");
            codecs.push_back(*c);
        }
    } else {
        for (BaselineCodec c : Baselines::all())
            if (Baselines::isAvailable(c))
                codecs.push_back(c);
    }

    const std::vector<EvalImage> images = loadEvalImages(dir, parser.value("captions").toStdString(), limit);
    Decoder decoder(parser.value("model").toStdString(), parser.value("device").toStdString());
    io.err << "evaluating " << images.size() << " images with model " << decoder.modelId() << " on "
           << decoder.deviceName() << "\n";

    // Operating points of the semantic codec, each with and without caption.
    const std::vector<OperatingPoint> points = parseOperatingPoints(parser.value("points").toStdString());
    const std::vector<double> targets = {0.01, 0.015, 0.02, 0.03, 0.05, 0.08};
    // Ablations at edges 1/4 and hint 1/16: chunks dropped from the same file.
    const std::vector<std::string> ablations = {"edges only", "edges+caption", "edges+hint", "edges+caption+hint",
                                                "caption only", "hint only (bicubic)"};

    // Per series, every image's points (a baseline target an image cannot reach stays empty): the
    // mean curves, the targets not every image reaches, and the bootstrap resamples come from them.
    std::map<std::string, ImageCurves> perImageCurves;
    std::map<std::string, std::vector<std::optional<BdPoint>>> imagePoints;  // the current image's
    auto add = [&](const std::string& series, std::size_t point, std::size_t pointsInSeries, const BdPoint& q) {
        auto& v = imagePoints[series];
        if (v.size() < pointsInSeries)
            v.resize(pointsInSeries);
        v[point] = q;
    };
    std::map<std::string, std::pair<double, double>> ablationSum;  // name -> (bpp, psnr) sums
    std::map<std::string, std::pair<double, double>> captionedSum;  // the same over captioned images
    int captioned = 0;
    SharpnessStats sharpness;  // fidelity vs sampled decodes of the first --sampled images
    nlohmann::json perImage = nlohmann::json::array();
    std::ostringstream csv;  // written at the end, atomically, like every output
    csv << "image,series,setting,bpp,psnr,ssim,ms_ssim,niqe\n";
    double originalNiqeSum = 0.0;  // the originals' own NIQE (NaN when one has none)
    const auto started = Clock::now();

    // The hint alone, bicubic, at the four factors (default quality) and at every other hint setting
    // of the sweep: what the same bits buy spent on the hint only, without edges, caption or model.
    // hintOfPoint[p]: the entry of hintOnly with point p's hint setting (the ladder of hints alone
    // that the rate-target curves use; see LadderCurve).
    std::vector<HintParams> hintOnly;
    for (const int factor : {32, 16, 8, 4})
        hintOnly.push_back({factor, -1});
    std::vector<std::size_t> hintOfPoint;
    for (const OperatingPoint& p : points) {
        const auto same = std::find_if(hintOnly.begin(), hintOnly.end(), [&](const HintParams& h) {
            return h.factor == p.hint && h.quality == p.hintQuality;
        });
        hintOfPoint.push_back(static_cast<std::size_t>(same - hintOnly.begin()));
        if (same == hintOnly.end())
            hintOnly.push_back({p.hint, p.hintQuality});
    }
    LadderCurve ladderCaption, ladderNoCaption, ladderHintOnly;
    // Sampled decodes of the first --sampled images at the targets of the BD range (0.01-0.05 bpp).
    std::vector<double> sampledTargets;
    std::copy_if(targets.begin(), targets.end(), std::back_inserter(sampledTargets),
                 [](double t) { return t >= 0.01 && t <= 0.05; });
    SampledAtTargets sampledAtTargets(sampledTargets, steps, strength);

    DecodeRequest fidelity;
    fidelity.fidelity = true;
    fidelity.guidance = 1.0f;
    fidelity.force = true;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const EvalImage& im = images[i];
        captioned += im.caption.empty() ? 0 : 1;
        const double originalNiqe = niqe_report::score(im.bgr);
        originalNiqeSum += originalNiqe;
        nlohmann::json rec = {{"image", im.name}, {"width", im.bgr.cols}, {"height", im.bgr.rows},
                              {"niqe", niqe_report::json(originalNiqe)}};
        auto record = [&](const std::string& series, const std::string& setting, const BdPoint& q) {
            rec[series][setting] = {{"bpp", q.bpp}, {"psnr", q.psnr}, {"ssim", q.ssim}, {"ms_ssim", q.msSsim},
                                    {"niqe", niqe_report::json(q.niqe)}};
            csv << im.name << "," << series << "," << setting << "," << q.bpp << "," << q.psnr << "," << q.ssim << ","
                << q.msSsim << ",";
            if (std::isfinite(q.niqe))  // empty when the decode has no NIQE (under 192x96, flat)
                csv << q.niqe;
            csv << "\n";
        };
        // bpp with PSNR, SSIM and MS-SSIM of a decode against the original, and the decode's NIQE.
        auto quality = [&](const cv::Mat& decoded, double bpp) {
            const metrics::Scores s = metrics::all(im.bgr, decoded);
            return BdPoint{bpp, s.psnr, s.ssim, s.msSsim, niqe_report::score(decoded)};
        };
        std::vector<BdPoint> withCaption, withoutCaption, hintResults;
        std::vector<SemFile> ladderFiles;  // the files without caption: the rungs of the rate-target curve
        for (std::size_t p = 0; p < points.size(); ++p) {
            EncodeOptions o;
            points[p].apply(o);
            o.caption = im.caption;
            o.writeMetadata = false;
            o.modelId = decoder.modelId32();
            SemFile file = Encoder::encode(im.bgr, o).file;
            if (!points[p].hasEdges())
                file.edges.reset();
            const BdPoint q = quality(decoder.decode(file, fidelity).image, file.bpp());
            add("semantic (fidelity)", p, points.size(), q);
            record("semantic", points[p].label(true), q);
            withCaption.push_back(q);
            file.caption.reset();
            const BdPoint noCaption = quality(decoder.decode(file, fidelity).image, file.bpp());
            add("semantic, no caption", p, points.size(), noCaption);
            record("semantic", points[p].label(false), noCaption);
            withoutCaption.push_back(noCaption);
            ladderFiles.push_back(file);
        }
        ladderCaption.addImage(withCaption);
        ladderNoCaption.addImage(withoutCaption);
        {
            EncodeOptions o;
            o.canny.scaleDenominator = 4;
            o.hint.factor = 16;
            o.caption = im.caption;
            o.writeMetadata = false;
            o.modelId = decoder.modelId32();
            const SemFile full = Encoder::encode(im.bgr, o).file;
            auto ablate = [&](const std::string& name, bool edges, bool caption, bool hint) {
                SemFile f = full;
                if (!edges)
                    f.edges.reset();
                if (!caption)
                    f.caption.reset();
                if (!hint)
                    f.hint.reset();
                const cv::Mat out = decoder.decode(f, fidelity).image;
                const BdPoint q = quality(out, f.bpp());
                ablationSum[name].first += q.bpp;
                ablationSum[name].second += q.psnr;
                if (!im.caption.empty()) {
                    captionedSum[name].first += q.bpp;
                    captionedSum[name].second += q.psnr;
                }
                record("ablation", name, q);
                return out;
            };
            ablate("edges only", true, false, false);
            ablate("edges+caption", true, true, false);
            ablate("edges+hint", true, false, true);
            const cv::Mat fid = ablate("edges+caption+hint", true, true, true);
            if (!im.caption.empty())
                ablate("caption only", false, true, false);
            for (std::size_t k = 0; k < hintOnly.size(); ++k) {
                const HintParams& hp = hintOnly[k];
                const auto payload = HintCodec::encode(im.bgr, hp);
                SemFile f = full;
                f.edges.reset();
                f.caption.reset();
                f.hint = payload;
                const BdPoint q = quality(
                    HintCodec::decodeUpsampled(payload.data(), payload.size(), im.bgr.cols, im.bgr.rows), f.bpp());
                add("hint only (bicubic)", k, hintOnly.size(), q);
                hintResults.push_back(q);
                record("hint-only", "hint" + std::to_string(hp.factor) +
                                        (hp.quality > 0 ? "q" + std::to_string(hp.quality) : std::string()),
                       q);
                if (hp.factor == 16 && hp.quality == -1) {
                    ablationSum["hint only (bicubic)"].first += q.bpp;
                    ablationSum["hint only (bicubic)"].second += q.psnr;
                    if (!im.caption.empty()) {
                        captionedSum["hint only (bicubic)"].first += q.bpp;
                        captionedSum["hint only (bicubic)"].second += q.psnr;
                    }
                }
            }
            std::vector<BdPoint> hintLadder;
            for (const std::size_t k : hintOfPoint)
                hintLadder.push_back(hintResults[k]);
            ladderHintOnly.addImage(hintLadder);
            if (static_cast<int>(i) < sampledImages) {
                // From pure noise (strength 1) and from the fidelity decode (--strength), each with the
                // file's guidance (the decoder default, 2) and with none: with a model that has edge
                // guidance, what guiding by the edges adds.
                const cv::Mat mask = SharpnessStats::boundaryMask(im.bgr);
                sharpness.add("fidelity", fid, mask, metrics::psnr(im.bgr, fid));
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
                    const cv::Mat guided = decoder.decode(full, sampled).image;
                    sampled.guidance = 1.0f;
                    const cv::Mat unguided = decoder.decode(full, sampled).image;
                    const BdPoint gq = quality(guided, full.bpp());
                    const double gp = gq.psnr;
                    if (st < 1.0f)  // the default decode's per-image row
                        record("sampled", "dpm++2m " + std::to_string(steps) + " steps, strength " + strengthText, gq);
                    sharpness.add("sampled " + from + ", guidance 1", unguided, mask, metrics::psnr(im.bgr, unguided));
                    sharpness.add("sampled " + from + ", the file's guidance", guided, mask, gp);
                }
                sharpness.add("original", im.bgr, mask, std::nan(""));
            }
        }
        if (static_cast<int>(i) < sampledImages) {
            std::vector<std::string> labels;
            for (const OperatingPoint& p : points)
                labels.push_back(p.label(false));
            const auto decodeRung = [&](std::size_t rung, float st) {
                DecodeRequest sampled;
                sampled.steps = steps;
                sampled.strength = st;
                sampled.force = true;
                sampled.seed = 1;
                return decoder.decode(ladderFiles.at(rung), sampled).image;
            };
            rec["sampled_rungs"] = sampledAtTargets.addImage(withoutCaption, labels, originalNiqe, decodeRung, quality, record);
        }
        for (const BaselineCodec c : codecs) {
            imagePoints[Baselines::name(c)].resize(targets.size());  // this image counts even if it reaches none
            const auto results = Baselines::atTargetBpps(im.bgr, c, targets);
            for (std::size_t k = 0; k < results.size(); ++k) {
                if (!results[k].reached)
                    continue;  // even the lowest setting is above the target: not on this curve
                const BdPoint q = quality(results[k].decoded, results[k].bpp);
                add(Baselines::name(c), k, targets.size(), q);
                record("baseline", Baselines::name(c) + "@" + Report::fixed(targets[k], 3), q);
            }
        }
        for (auto& [name, ofImage] : imagePoints)
            perImageCurves[name].addImage(std::move(ofImage));
        imagePoints.clear();
        perImage.push_back(rec);
        io.err << "[" << (i + 1) << "/" << images.size() << "] " << im.name << "  "
               << Report::fixed(std::chrono::duration<double>(Clock::now() - started).count(), 0) << " s\n";
    }

    // Mean curves. A point is the mean over every image: a baseline target that some image cannot
    // reach (its smallest file is larger) is left out of the curve and the BD metrics, since the mean
    // over the images that do reach it describes easier images, not the set; it is listed apart.
    std::vector<Series> series;
    nlohmann::json curves = nlohmann::json::object();
    nlohmann::json partial = nlohmann::json::object();
    std::ostringstream partialText;
    for (const auto& [name, ofImages] : perImageCurves) {
        series.push_back({name, ofImages.mean()});
        for (const ImageCurves::Partial& p : ofImages.partial()) {
            const double target = p.setting < targets.size() ? targets[p.setting] : 0.0;
            const BdPoint& m = p.mean;
            partial[name].push_back({{"target_bpp", target}, {"images", p.images}, {"bpp", m.bpp}, {"psnr", m.psnr},
                                     {"ssim", m.ssim}, {"ms_ssim", m.msSsim}, {"niqe", niqe_report::json(m.niqe)}});
            partialText << "| " << name << " | " << Report::fixed(target, 3) << " | " << p.images << " of "
                        << images.size() << " | " << Report::fixed(m.bpp, 4) << " | " << Report::fixed(m.psnr, 2)
                        << " | " << Report::fixed(m.ssim, 4) << " | " << Report::fixed(m.msSsim, 4) << " |\n";
        }
    }
    {
        // The user picks the setting per rate: the best of every operating point, with or without caption.
        std::vector<BdPoint> all;
        for (const Series& s : series)
            if (s.name == "semantic (fidelity)" || s.name == "semantic, no caption")
                all.insert(all.end(), s.points.begin(), s.points.end());
        series.push_back({"semantic, best setting", paretoFront(all)});
    }
    for (const auto& [name, ladder] : {std::pair<std::string, const LadderCurve*>{"semantic at target bpp", &ladderNoCaption},
                                       {"semantic at target bpp, caption", &ladderCaption},
                                       {"hint only at target bpp", &ladderHintOnly}}) {
        series.push_back({name, ladder->atTargets(targets)});
    }
    if (sampledAtTargets.imageCount() > 0)
        for (Series& s : sampledAtTargets.series(images.size()))
            series.push_back(std::move(s));
    for (const Series& s : series)
        for (const auto& p : s.points)
            curves[s.name].push_back({{"bpp", p.bpp}, {"psnr", p.psnr}, {"ssim", p.ssim}, {"ms_ssim", p.msSsim},
                                      {"niqe", niqe_report::json(p.niqe)}});
    auto find = [&](const std::string& name) -> const std::vector<BdPoint>* {
        for (const Series& s : series)
            if (s.name == name)
                return &s.points;
        return nullptr;
    };
    if (parser.isSet("write-ladder") && find("semantic, no caption"))
        writeMeasuredLadder(parser.value("write-ladder").toStdString(), points, *find("semantic, no caption"),
                            decoder.modelId(), images.size(), args);
    io.out << "# semc eval: " << images.size() << " images, model " << decoder.modelId() << "\n\n";
    io.out << "## Mean curves (bpp, PSNR dB)\n\n";
    for (const Series& s : series) {
        io.out << "- " << s.name << ":";
        for (const auto& p : s.points)
            io.out << " (" << Report::fixed(p.bpp, 4) << ", " << Report::fixed(p.psnr, 2) << ")";
        io.out << "\n";
    }
    io.out << "\n## Mean curves (bpp, SSIM, MS-SSIM; \"best setting\" is the PSNR front)\n\n";
    for (const Series& s : series) {
        io.out << "- " << s.name << ":";
        for (const auto& p : s.points)
            io.out << " (" << Report::fixed(p.bpp, 4) << ", " << Report::fixed(p.ssim, 4) << ", "
                   << Report::fixed(p.msSsim, 4) << ")";
        io.out << "\n";
    }
    const double originalNiqe = images.empty() ? std::nan("") : originalNiqeSum / static_cast<double>(images.size());
    io.out << "\n## Mean curves (bpp, NIQE; no reference, lower is more natural; the originals: "
           << niqe_report::text(originalNiqe) << ")\n\n";
    for (const Series& s : series) {
        io.out << "- " << s.name << ":";
        for (const auto& p : s.points)
            io.out << " (" << Report::fixed(p.bpp, 4) << ", " << niqe_report::text(p.niqe) << ")";
        io.out << "\n";
    }
    // MS-SSIM in dB, -10 log10(1 - MS-SSIM), the scale its BD-rate is usually computed on.
    auto msSsimDb = [](std::vector<BdPoint> curve) {
        for (BdPoint& p : curve)
            p.psnr = -10.0 * std::log10(std::max(1.0 - p.msSsim, 1e-10));
        return curve;
    };
    if (!partialText.str().empty())
        io.out << "\n## Baseline targets not every image reaches (left out of the curves, the plots and the BD "
                  "metrics; means over the images that reach them)\n\n"
               << "| codec | target bpp | images | bpp | PSNR (dB) | SSIM | MS-SSIM |\n|---|---|---|---|---|---|---|\n"
               << partialText.str();
    nlohmann::json bd = nlohmann::json::object();
    io.out << "\n## BD metrics of the semantic codec (fidelity) vs each reference, 0.01-0.05 bpp\n\n"
           << "| semantic curve | reference | BD-PSNR (dB) | BD-rate (%) | BD-rate on MS-SSIM (dB scale) (%) |\n"
           << "|---|---|---|---|---|\n";
    for (const std::string testName : {"semantic (fidelity)", "semantic, best setting", "semantic at target bpp",
                                       "semantic at target bpp, caption"}) {
        const auto* semantic = find(testName);
        for (const Series& s : series) {
            if (!semantic || s.name.rfind("semantic", 0) == 0)
                continue;
            const double p = bdPsnr(s.points, *semantic, 0.01, 0.05);
            const double r = bdRatePercent(s.points, *semantic, 0.01, 0.05);
            const double rm = bdRatePercent(msSsimDb(s.points), msSsimDb(*semantic), 0.01, 0.05);
            auto value = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
            bd[testName][s.name] = {{"bd_psnr_db", value(p)}, {"bd_rate_percent", value(r)},
                                    {"bd_rate_ms_ssim_percent", value(rm)}};
            io.out << "| " << testName << " | " << s.name << " | " << (std::isfinite(p) ? Report::fixed(p, 2) : "n/a")
                   << " | " << (std::isfinite(r) ? Report::fixed(r, 1) : "n/a") << " | "
                   << (std::isfinite(rm) ? Report::fixed(rm, 1) : "n/a") << " |\n";
        }
    }
    // How far the rate-target BD-PSNRs could move with another sample of images: a paired bootstrap
    // (the same resampled images on both curves).
    nlohmann::json intervals = nlohmann::json::object();
    if (resamples > 0 && !images.empty()) {
        io.out << "\n## BD-PSNR of the semantic codec at target bpp, 0.01-0.05 bpp: 95 % intervals (" << resamples
               << " bootstrap resamples of the images, paired)\n\n"
               << "| reference | BD-PSNR (dB) | 95 % interval (dB) |\n|---|---|---|\n";
        std::vector<std::pair<std::string, std::function<std::vector<BdPoint>(const std::vector<std::size_t>&)>>> refs;
        refs.emplace_back("hint only at target bpp",
                          [&](const std::vector<std::size_t>& idx) { return ladderHintOnly.atTargets(targets, idx); });
        for (const auto& [name, ofImages] : perImageCurves) {
            if (std::none_of(codecs.begin(), codecs.end(), [&](BaselineCodec c) { return Baselines::name(c) == name; }))
                continue;  // the baselines only
            const ImageCurves* c = &ofImages;
            refs.emplace_back(name, [c](const std::vector<std::size_t>& idx) { return c->mean(idx); });
        }
        std::vector<std::size_t> all(images.size());
        std::iota(all.begin(), all.end(), std::size_t{0});
        for (const auto& [name, reference] : refs) {
            const auto statistic = [&, ref = reference](const std::vector<std::size_t>& idx) {
                return bdPsnr(ref(idx), ladderNoCaption.atTargets(targets, idx), 0.01, 0.05);
            };
            const double value = statistic(all);
            const Interval ci = bootstrapInterval(images.size(), resamples, 20261122, statistic);
            if (!std::isfinite(value) || ci.valid == 0)
                continue;
            intervals[name] = {{"bd_psnr_db", value}, {"lo", ci.lo}, {"hi", ci.hi}, {"resamples", ci.valid}};
            io.out << "| " << name << " | " << Report::fixed(value, 2) << " | " << Report::fixed(ci.lo, 2) << " to "
                   << Report::fixed(ci.hi, 2) << " |\n";
        }
    }
    io.out << "\n## Ablations (edges 1/4, hint 1/16 where present; fidelity decode, guidance 1)\n\n"
           << "| conditions | mean bpp | mean PSNR (dB) | images | captioned images: bpp | PSNR (dB) |\n"
           << "|---|---|---|---|---|---|\n";
    nlohmann::json abl = nlohmann::json::object();
    for (const std::string& name : ablations) {
        const auto it = ablationSum.find(name);
        if (it == ablationSum.end())
            continue;
        int n = 0;
        for (const auto& r : perImage)
            if (r.contains("ablation") && r["ablation"].contains(name))
                ++n;
        if (name == "hint only (bicubic)")
            n = static_cast<int>(images.size());
        if (n == 0)
            continue;
        abl[name] = {{"bpp", it->second.first / n}, {"psnr", it->second.second / n}, {"images", n}};
        io.out << "| " << name << " | " << Report::fixed(it->second.first / n, 4) << " | "
               << Report::fixed(it->second.second / n, 2) << " | " << n << " | ";
        if (captioned > 0 && captionedSum.count(name)) {
            const auto& c = captionedSum[name];
            abl[name]["captioned"] = {{"bpp", c.first / captioned}, {"psnr", c.second / captioned}, {"images", captioned}};
            io.out << Report::fixed(c.first / captioned, 4) << " | " << Report::fixed(c.second / captioned, 2) << " |\n";
        } else {
            io.out << "- | - |\n";
        }
    }
    nlohmann::json sampledJson;
    if (const int sampledCount = sharpness.count("original"); sampledCount > 0) {
        sampledJson = sharpness.json();
        sampledJson["images"] = sampledCount;
        sampledJson["steps"] = steps;
        sampledJson["strength"] = strength;
        io.out << "\n## Fidelity vs sampled (edges 1/4 + caption + hint 1/16, " << sampledCount << " images, DPM++(2M) "
               << steps << " steps; strength " << Report::fixed(strength, 2)
               << ": that share of the steps, from the first step's prediction; edge contrast: mean gradient on the "
                  "original's Canny boundaries)\n\n"
               << sharpness.markdownTable();
    }
    if (sampledAtTargets.imageCount() > 0)
        io.out << "\n## Rate-distortion-perception at target bpp (" << sampledAtTargets.imageCount()
               << " images; per image the rung of the \"semantic at target bpp\" curve, files without caption, "
                  "decoded by fidelity, by DPM++(2M) "
               << steps << " steps at strength " << Report::fixed(strength, 2)
               << " and from noise, the file's guidance; NIQE: lower is more natural)\n\n"
               << sampledAtTargets.markdownTable();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    io.out << "\n" << Report::fixed(seconds, 0) << " s in total\n";
    const std::string plotTitle = std::to_string(images.size()) + " images, model " + decoder.modelId();
    if (parser.isSet("plot"))
        drawRdPlot(series, parser.value("plot").toStdString(), "bpp vs PSNR, " + plotTitle);
    if (parser.isSet("plot-ssim"))
        drawRdPlot(series, parser.value("plot-ssim").toStdString(), "bpp vs SSIM, " + plotTitle, PlotMetric::Ssim);
    if (parser.isSet("plot-ms-ssim"))
        drawRdPlot(series, parser.value("plot-ms-ssim").toStdString(), "bpp vs MS-SSIM, " + plotTitle,
                   PlotMetric::MsSsim);
    if (parser.isSet("plot-niqe"))
        drawRdPlot(series, parser.value("plot-niqe").toStdString(), "bpp vs NIQE (lower is more natural), " + plotTitle,
                   PlotMetric::Niqe);
    if (parser.isSet("json")) {
        nlohmann::json j = {{"images", images.size()}, {"model_id", decoder.modelId()},
                                  {"original_niqe", niqe_report::json(originalNiqe)}, {"curves", curves},
                                  {"partial_points", partial}, {"bd_0.01_0.05", bd}, {"bd_intervals_at_target", intervals}, {"ablations", abl},
                                  {"sampled", sampledJson}, {"seconds", seconds}, {"per_image", perImage}};
        if (sampledAtTargets.imageCount() > 0)
            j["sampled_at_target"] = sampledAtTargets.json();
        const std::string text = j.dump(1) + "\n";
        writeFileAtomic(parser.value("json").toStdString(), std::vector<std::uint8_t>(text.begin(), text.end()));
    }
    if (parser.isSet("csv")) {
        const std::string text = csv.str();
        writeFileAtomic(parser.value("csv").toStdString(), std::vector<std::uint8_t>(text.begin(), text.end()));
    }
    return kOk;
}

}  // namespace sem::cli

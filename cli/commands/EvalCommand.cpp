#include "cli/commands/EvalCommand.h"

#include <QCommandLineParser>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <ostream>

#include "cli/Options.h"
#include "cli/Report.h"
#include "core/baselines/Baselines.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/Encoder.h"
#include "core/training/ShardReader.h"
#include "core/training/ShardWriter.h"

namespace sem::cli {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// Least-squares polynomial (degree <= 3) of y over x, coefficients from the constant term up.
std::vector<double> polyfit(const std::vector<double>& x, const std::vector<double>& y, int degree)
{
    const int n = degree + 1;
    std::vector<std::vector<double>> a(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n + 1), 0.0));
    for (std::size_t k = 0; k < x.size(); ++k)
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < n; ++j)
                a[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] += std::pow(x[k], i + j);
            a[static_cast<std::size_t>(i)][static_cast<std::size_t>(n)] += y[k] * std::pow(x[k], i);
        }
    for (int c = 0; c < n; ++c) {  // Gaussian elimination with partial pivoting
        int pivot = c;
        for (int r = c + 1; r < n; ++r)
            if (std::abs(a[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)]) >
                std::abs(a[static_cast<std::size_t>(pivot)][static_cast<std::size_t>(c)]))
                pivot = r;
        std::swap(a[static_cast<std::size_t>(c)], a[static_cast<std::size_t>(pivot)]);
        const double d = a[static_cast<std::size_t>(c)][static_cast<std::size_t>(c)];
        if (std::abs(d) < 1e-14)
            return {};
        for (int r = 0; r < n; ++r) {
            if (r == c)
                continue;
            const double f = a[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] / d;
            for (int j = c; j <= n; ++j)
                a[static_cast<std::size_t>(r)][static_cast<std::size_t>(j)] -= f * a[static_cast<std::size_t>(c)][static_cast<std::size_t>(j)];
        }
    }
    std::vector<double> coef(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        coef[static_cast<std::size_t>(i)] = a[static_cast<std::size_t>(i)][static_cast<std::size_t>(n)] / a[static_cast<std::size_t>(i)][static_cast<std::size_t>(i)];
    return coef;
}

double integral(const std::vector<double>& c, double lo, double hi)
{
    double s = 0;
    for (std::size_t i = 0; i < c.size(); ++i)
        s += c[i] * (std::pow(hi, static_cast<double>(i + 1)) - std::pow(lo, static_cast<double>(i + 1))) / static_cast<double>(i + 1);
    return s;
}

struct Curve {
    std::vector<double> logRate, psnr;
    double lo = 0, hi = 0;  // log-rate range of the points
};

Curve curveOf(std::vector<BdPoint> points)
{
    std::sort(points.begin(), points.end(), [](const BdPoint& a, const BdPoint& b) { return a.bpp < b.bpp; });
    Curve c;
    for (const BdPoint& p : points)
        if (p.bpp > 0 && std::isfinite(p.psnr)) {
            c.logRate.push_back(std::log10(p.bpp));
            c.psnr.push_back(p.psnr);
        }
    if (!c.logRate.empty()) {
        c.lo = c.logRate.front();
        c.hi = c.logRate.back();
    }
    return c;
}

int degreeFor(std::size_t n)
{
    return static_cast<int>(std::min<std::size_t>(3, n - 1));
}

// A short ASCII name for file paths and tables.
std::string label(int scale, int hint, bool caption)
{
    return "edges1/" + std::to_string(scale) + (hint ? "+hint" + std::to_string(hint) : "") + (caption ? "+caption" : "");
}

double sharpness(const cv::Mat& bgr)
{
    cv::Mat gray, lap;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    cv::Laplacian(gray, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    return stddev[0] * stddev[0];
}

struct Series {
    std::string name;
    std::vector<BdPoint> points;  // mean bpp, mean PSNR per operating point
};

void drawPlot(const std::vector<Series>& series, const std::string& path, const std::string& title)
{
    const int w = 1000, h = 650, left = 80, right = 260, top = 50, bottom = 60;
    cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    double xMax = 0, yMin = 1e9, yMax = -1e9;
    for (const Series& s : series)
        for (const BdPoint& p : s.points) {
            xMax = std::max(xMax, p.bpp);
            yMin = std::min(yMin, p.psnr);
            yMax = std::max(yMax, p.psnr);
        }
    if (xMax <= 0)
        return;
    xMax = std::ceil(xMax * 100.0 + 0.5) / 100.0;
    yMin = std::floor(yMin - 0.5);
    yMax = std::ceil(yMax + 0.5);
    auto px = [&](double x) { return left + static_cast<int>((x / xMax) * (w - left - right)); };
    auto py = [&](double y) { return h - bottom - static_cast<int>((y - yMin) / (yMax - yMin) * (h - top - bottom)); };
    const cv::Scalar black(0, 0, 0), grid(225, 225, 225);
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const double xStep = xMax <= 0.06 ? 0.01 : xMax <= 0.15 ? 0.02 : 0.05;
    for (double x = 0; x <= xMax + 1e-9; x += xStep) {
        cv::line(img, {px(x), top}, {px(x), h - bottom}, grid);
        cv::line(img, {px(x), h - bottom}, {px(x), h - bottom + 5}, black);
        cv::putText(img, Report::fixed(x, 2), {px(x) - 16, h - bottom + 22}, font, 0.45, black, 1, cv::LINE_AA);
    }
    const double yStep = (yMax - yMin) > 12 ? 2.0 : 1.0;
    for (double y = yMin; y <= yMax + 1e-9; y += yStep) {
        cv::line(img, {left, py(y)}, {w - right, py(y)}, grid);
        cv::line(img, {left - 5, py(y)}, {left, py(y)}, black);
        cv::putText(img, Report::fixed(y, 0), {left - 35, py(y) + 5}, font, 0.45, black, 1, cv::LINE_AA);
    }
    cv::rectangle(img, {left, top}, {w - right, h - bottom}, black);
    cv::putText(img, "bits per pixel", {left + (w - left - right) / 2 - 50, h - 15}, font, 0.55, black, 1, cv::LINE_AA);
    cv::putText(img, "PSNR (dB)", {10, top - 15}, font, 0.55, black, 1, cv::LINE_AA);
    cv::putText(img, title, {left + 90, 22}, font, 0.6, black, 1, cv::LINE_AA);
    const cv::Scalar colours[] = {{40, 40, 220}, {200, 120, 0}, {0, 160, 0}, {160, 0, 160}, {0, 140, 220},
                                  {120, 120, 120}, {0, 0, 0}, {200, 200, 0}, {90, 60, 20}};
    for (std::size_t i = 0; i < series.size(); ++i) {
        const cv::Scalar c = colours[i % (sizeof colours / sizeof colours[0])];
        std::vector<BdPoint> pts = series[i].points;
        std::sort(pts.begin(), pts.end(), [](const BdPoint& a, const BdPoint& b) { return a.bpp < b.bpp; });
        for (std::size_t k = 0; k < pts.size(); ++k) {
            const cv::Point p(px(pts[k].bpp), py(pts[k].psnr));
            cv::circle(img, p, 4, c, cv::FILLED, cv::LINE_AA);
            if (k > 0)
                cv::line(img, {px(pts[k - 1].bpp), py(pts[k - 1].psnr)}, p, c, 2, cv::LINE_AA);
        }
        const int ly = top + 20 + static_cast<int>(i) * 24;
        cv::line(img, {w - right + 15, ly - 4}, {w - right + 45, ly - 4}, c, 2, cv::LINE_AA);
        cv::circle(img, {w - right + 30, ly - 4}, 4, c, cv::FILLED, cv::LINE_AA);
        cv::putText(img, series[i].name, {w - right + 52, ly}, font, 0.45, black, 1, cv::LINE_AA);
    }
    if (!cv::imwrite(path, img))
        throw Error("cannot write the plot '" + path + "'.");
}

struct EvalImage {
    std::string name;
    cv::Mat bgr;
    std::string caption;
};

std::vector<EvalImage> loadImages(const std::string& dir, const std::string& captionsPath, int limit)
{
    std::map<std::string, std::vector<std::string>> captions;
    if (!captionsPath.empty())
        captions = training::ShardWriter::readCaptions(captionsPath);
    std::vector<EvalImage> out;
    auto captionOf = [&](const std::string& file, const std::vector<std::string>& fallback) {
        const auto it = captions.find(fs::path(file).filename().string());
        const auto& list = it != captions.end() ? it->second : fallback;
        return list.empty() ? std::string() : list.front();
    };
    if (fs::exists(fs::path(dir) / "index.json")) {
        // A prepared data set: its validation split, from the original files when they are still there.
        const training::ShardReader reader(dir);
        const auto all = reader.split(true);
        std::vector<const training::ShardRecord*> chosen;
        // --limit picks evenly spaced images across the split (it is sorted by path: BSDS, then captioned).
        const std::size_t n = limit > 0 ? std::min<std::size_t>(static_cast<std::size_t>(limit), all.size()) : all.size();
        for (std::size_t k = 0; k < n; ++k)
            chosen.push_back(all[k * all.size() / n]);
        for (const auto* r : chosen) {
            const fs::path original = fs::path(reader.sourceDirectory()) / r->name;
            EvalImage e;
            e.name = r->name;
            e.bgr = fs::exists(original) ? cv::imread(original.string(), cv::IMREAD_COLOR)
                                         : cv::imdecode(r->jpeg, cv::IMREAD_COLOR);
            e.caption = captionOf(r->name, r->captions);
            if (!e.bgr.empty())
                out.push_back(std::move(e));
        }
    } else {
        if (!fs::is_directory(dir))
            throw Error("'" + dir + "' is neither a prepared data folder nor a folder of images.");
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir)) {
            std::string ext = entry.path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (entry.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png"))
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const fs::path& f : files) {
            if (limit > 0 && static_cast<int>(out.size()) >= limit)
                break;
            EvalImage e;
            e.name = f.filename().string();
            e.bgr = ImageIO::load(f.string()).bgr;
            e.caption = captionOf(e.name, {});
            out.push_back(std::move(e));
        }
    }
    if (out.empty())
        throw Error("no images to evaluate in '" + dir + "'.");
    return out;
}

}  // namespace

double bdPsnr(const std::vector<BdPoint>& reference, const std::vector<BdPoint>& test, double loBpp, double hiBpp)
{
    const Curve r = curveOf(reference), t = curveOf(test);
    if (r.logRate.size() < 2 || t.logRate.size() < 2)
        return kNan;
    const double lo = std::max({r.lo, t.lo, std::log10(std::max(loBpp, 1e-12))});
    const double hi = std::min({r.hi, t.hi, std::log10(std::max(hiBpp, 1e-12))});
    if (!(hi > lo))
        return kNan;
    const auto pr = polyfit(r.logRate, r.psnr, degreeFor(r.logRate.size()));
    const auto pt = polyfit(t.logRate, t.psnr, degreeFor(t.logRate.size()));
    if (pr.empty() || pt.empty())
        return kNan;
    return (integral(pt, lo, hi) - integral(pr, lo, hi)) / (hi - lo);
}

double bdRatePercent(const std::vector<BdPoint>& reference, const std::vector<BdPoint>& test, double loBpp, double hiBpp)
{
    std::vector<BdPoint> r, t;
    for (const auto& p : reference)
        if (p.bpp >= loBpp && p.bpp <= hiBpp)
            r.push_back(p);
    for (const auto& p : test)
        if (p.bpp >= loBpp && p.bpp <= hiBpp)
            t.push_back(p);
    if (r.size() < 2 || t.size() < 2)
        return kNan;
    auto range = [](const std::vector<BdPoint>& v) {
        double lo = 1e9, hi = -1e9;
        for (const auto& p : v) {
            lo = std::min(lo, p.psnr);
            hi = std::max(hi, p.psnr);
        }
        return std::make_pair(lo, hi);
    };
    const auto [rlo, rhi] = range(r);
    const auto [tlo, thi] = range(t);
    const double lo = std::max(rlo, tlo), hi = std::min(rhi, thi);
    if (!(hi > lo))
        return kNan;
    auto fitRate = [](const std::vector<BdPoint>& v) {
        std::vector<double> x, y;
        for (const auto& p : v) {
            x.push_back(p.psnr);
            y.push_back(std::log10(p.bpp));
        }
        return polyfit(x, y, degreeFor(x.size()));
    };
    const auto fr = fitRate(r), ft = fitRate(t);
    if (fr.empty() || ft.empty())
        return kNan;
    const double diff = (integral(ft, lo, hi) - integral(fr, lo, hi)) / (hi - lo);
    return (std::pow(10.0, diff) - 1.0) * 100.0;
}

int EvalCommand::run(const QStringList& args, Io& io)
{
    QCommandLineParser parser;
    Options::init(parser, "eval DIR [options]",
                  "Evaluates the decoder model on the validation split of a prepared data folder (OUT/data\n"
                  "of semc train; the original files are used when still present) or on a folder of images:\n"
                  "the semantic codec at a sweep of operating points (fidelity decodes, guidance 1), a few\n"
                  "sampled decodes, the baselines over the same bpp range, BD-rate/BD-PSNR and ablations.");
    parser.addOption({"captions", "captions.json: file name -> captions (the first is used).", "FILE"});
    parser.addOption({"model", "Model directory (default: the installed default model).", "DIR"});
    parser.addOption({"device", "auto, cpu or cuda (default auto).", "DEV", "auto"});
    parser.addOption({"limit", "Evaluate at most N images, evenly spaced over the split (0 = all).", "N", "0"});
    parser.addOption({"sampled", "Images that also get a sampled decode (default 3).", "N", "3"});
    parser.addOption({"steps", "Sampler steps of the sampled decodes (default 20).", "N", "20"});
    parser.addOption({"baselines", "Comma-separated baseline codecs (default: all available).", "LIST"});
    parser.addOption({"json", "Write the full results as JSON.", "FILE"});
    parser.addOption({"csv", "Write per-image results as CSV.", "FILE"});
    parser.addOption({"plot", "Write the bpp-PSNR plot (PNG).", "FILE"});
    if (!Options::parse(parser, "eval", args, io))
        return kOk;
    const std::string dir = Options::positional(parser, 1, "a prepared data folder or an image folder")[0].toStdString();
    const int limit = static_cast<int>(Options::toInt(parser, "limit", 0, 1000000));
    const int sampledImages = static_cast<int>(Options::toInt(parser, "sampled", 0, 1000000));
    const int steps = static_cast<int>(Options::toInt(parser, "steps", 1, 1000));
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

    const std::vector<EvalImage> images = loadImages(dir, parser.value("captions").toStdString(), limit);
    Decoder decoder(parser.value("model").toStdString(), parser.value("device").toStdString());
    io.err << "evaluating " << images.size() << " images with model " << decoder.modelId() << " on "
           << decoder.deviceName() << "\n";

    // Operating points of the semantic codec (edge scale, hint factor), with and without caption.
    const std::vector<std::pair<int, int>> points = {{8, 32}, {8, 16}, {4, 16}, {4, 8}, {2, 8}};
    const std::vector<double> targets = {0.01, 0.015, 0.02, 0.03, 0.05, 0.08};
    // Ablations at edges 1/4 and hint 1/16: chunks dropped from the same file.
    const std::vector<std::string> ablations = {"edges only", "edges+caption", "edges+hint", "edges+caption+hint",
                                                "caption only", "hint only (bicubic)"};

    std::map<std::string, std::vector<BdPoint>> perSeries;  // series -> per point sums (bpp, psnr)
    std::map<std::string, std::vector<int>> perCount;
    auto add = [&](const std::string& series, std::size_t point, std::size_t pointsInSeries, double bpp, double psnr) {
        auto& v = perSeries[series];
        auto& n = perCount[series];
        if (v.size() < pointsInSeries) {
            v.resize(pointsInSeries);
            n.resize(pointsInSeries, 0);
        }
        v[point].bpp += bpp;
        v[point].psnr += psnr;
        ++n[point];
    };
    std::map<std::string, std::pair<double, double>> ablationSum;  // name -> (bpp, psnr) sums
    std::map<std::string, std::pair<double, double>> captionedSum;  // the same over captioned images
    int captioned = 0;
    double fidelitySharp = 0, sampledSharp = 0, originalSharp = 0, fidelityPsnr = 0, sampledPsnr = 0;
    int sampledCount = 0;
    nlohmann::json perImage = nlohmann::json::array();
    std::ofstream csv;
    if (parser.isSet("csv")) {
        csv.open(parser.value("csv").toStdString());
        csv << "image,series,setting,bpp,psnr\n";
    }
    const auto started = Clock::now();

    DecodeRequest fidelity;
    fidelity.fidelity = true;
    fidelity.guidance = 1.0f;
    fidelity.force = true;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const EvalImage& im = images[i];
        captioned += im.caption.empty() ? 0 : 1;
        nlohmann::json rec = {{"image", im.name}, {"width", im.bgr.cols}, {"height", im.bgr.rows}};
        auto record = [&](const std::string& series, const std::string& setting, double bpp, double psnr) {
            rec[series][setting] = {{"bpp", bpp}, {"psnr", psnr}};
            if (csv.is_open())
                csv << im.name << "," << series << "," << setting << "," << bpp << "," << psnr << "\n";
        };
        for (std::size_t p = 0; p < points.size(); ++p) {
            EncodeOptions o;
            o.canny.scaleDenominator = points[p].first;
            o.hint.factor = points[p].second;
            o.caption = im.caption;
            o.writeMetadata = false;
            o.modelId = decoder.modelId32();
            SemFile file = Encoder::encode(im.bgr, o).file;
            const double psnr = metrics::psnr(im.bgr, decoder.decode(file, fidelity).image);
            add("semantic (fidelity)", p, points.size(), file.bpp(), psnr);
            record("semantic", label(points[p].first, points[p].second, true), file.bpp(), psnr);
            file.caption.reset();
            const double psnrNoCaption = metrics::psnr(im.bgr, decoder.decode(file, fidelity).image);
            add("semantic, no caption", p, points.size(), file.bpp(), psnrNoCaption);
            record("semantic", label(points[p].first, points[p].second, false), file.bpp(), psnrNoCaption);
        }
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
                const double psnr = metrics::psnr(im.bgr, out);
                ablationSum[name].first += f.bpp();
                ablationSum[name].second += psnr;
                if (!im.caption.empty()) {
                    captionedSum[name].first += f.bpp();
                    captionedSum[name].second += psnr;
                }
                record("ablation", name, f.bpp(), psnr);
                return out;
            };
            ablate("edges only", true, false, false);
            ablate("edges+caption", true, true, false);
            ablate("edges+hint", true, false, true);
            const cv::Mat fid = ablate("edges+caption+hint", true, true, true);
            if (!im.caption.empty())
                ablate("caption only", false, true, false);
            for (const int factor : {32, 16, 8}) {  // hint alone, bicubic: what the same bits buy without the model
                HintParams hp;
                hp.factor = factor;
                const auto payload = HintCodec::encode(im.bgr, hp);
                SemFile f = full;
                f.edges.reset();
                f.caption.reset();
                f.hint = payload;
                const double psnr = metrics::psnr(im.bgr, HintCodec::decodeUpsampled(payload.data(), payload.size(),
                                                                                      im.bgr.cols, im.bgr.rows));
                add("hint only (bicubic)", static_cast<std::size_t>(factor == 32 ? 0 : factor == 16 ? 1 : 2), 3, f.bpp(), psnr);
                record("hint-only", "hint" + std::to_string(factor), f.bpp(), psnr);
                if (factor == 16) {
                    ablationSum["hint only (bicubic)"].first += f.bpp();
                    ablationSum["hint only (bicubic)"].second += psnr;
                    if (!im.caption.empty()) {
                        captionedSum["hint only (bicubic)"].first += f.bpp();
                        captionedSum["hint only (bicubic)"].second += psnr;
                    }
                }
            }
            if (static_cast<int>(i) < sampledImages) {
                DecodeRequest sampled;
                sampled.steps = steps;
                sampled.force = true;
                sampled.seed = 1;
                const cv::Mat s = decoder.decode(full, sampled).image;
                const double sp = metrics::psnr(im.bgr, s);
                record("sampled", "dpm++2m " + std::to_string(steps) + " steps", full.bpp(), sp);
                sampledPsnr += sp;
                fidelityPsnr += metrics::psnr(im.bgr, fid);
                sampledSharp += sharpness(s);
                fidelitySharp += sharpness(fid);
                originalSharp += sharpness(im.bgr);
                ++sampledCount;
            }
        }
        for (const BaselineCodec c : codecs) {
            const auto results = Baselines::atTargetBpps(im.bgr, c, targets);
            for (std::size_t k = 0; k < results.size(); ++k) {
                if (!results[k].reached)
                    continue;  // even the lowest setting is above the target: not on this curve
                const double psnr = metrics::psnr(im.bgr, results[k].decoded);
                add(Baselines::name(c), k, targets.size(), results[k].bpp, psnr);
                record("baseline", Baselines::name(c) + "@" + Report::fixed(targets[k], 3), results[k].bpp, psnr);
            }
        }
        perImage.push_back(rec);
        io.err << "[" << (i + 1) << "/" << images.size() << "] " << im.name << "  "
               << Report::fixed(std::chrono::duration<double>(Clock::now() - started).count(), 0) << " s\n";
    }

    // Mean curves.
    std::vector<Series> series;
    nlohmann::json curves = nlohmann::json::object();
    for (auto& [name, sums] : perSeries) {
        Series s{name, {}};
        for (std::size_t k = 0; k < sums.size(); ++k) {
            const int n = perCount[name][k];
            if (n > 0)
                s.points.push_back({sums[k].bpp / n, sums[k].psnr / n});
        }
        for (const auto& p : s.points)
            curves[name].push_back({{"bpp", p.bpp}, {"psnr", p.psnr}});
        series.push_back(s);
    }
    auto find = [&](const std::string& name) -> const std::vector<BdPoint>* {
        for (const Series& s : series)
            if (s.name == name)
                return &s.points;
        return nullptr;
    };
    io.out << "# semc eval: " << images.size() << " images, model " << decoder.modelId() << "\n\n";
    io.out << "## Mean curves (bpp, PSNR dB)\n\n";
    for (const Series& s : series) {
        io.out << "- " << s.name << ":";
        for (const auto& p : s.points)
            io.out << " (" << Report::fixed(p.bpp, 4) << ", " << Report::fixed(p.psnr, 2) << ")";
        io.out << "\n";
    }
    nlohmann::json bd = nlohmann::json::object();
    io.out << "\n## BD metrics of the semantic codec (fidelity) vs each reference, 0.01-0.05 bpp\n\n"
           << "| reference | BD-PSNR (dB) | BD-rate (%) |\n|---|---|---|\n";
    const auto* semantic = find("semantic (fidelity)");
    for (const Series& s : series) {
        if (!semantic || s.name == "semantic (fidelity)")
            continue;
        const double p = bdPsnr(s.points, *semantic, 0.01, 0.05);
        const double r = bdRatePercent(s.points, *semantic, 0.01, 0.05);
        bd[s.name] = {{"bd_psnr_db", std::isfinite(p) ? nlohmann::json(p) : nlohmann::json()},
                      {"bd_rate_percent", std::isfinite(r) ? nlohmann::json(r) : nlohmann::json()}};
        io.out << "| " << s.name << " | " << (std::isfinite(p) ? Report::fixed(p, 2) : "n/a") << " | "
               << (std::isfinite(r) ? Report::fixed(r, 1) : "n/a") << " |\n";
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
    if (sampledCount > 0) {
        sampledJson = {{"images", sampledCount}, {"steps", steps},
                       {"fidelity_psnr", fidelityPsnr / sampledCount}, {"sampled_psnr", sampledPsnr / sampledCount},
                       {"fidelity_laplacian_var", fidelitySharp / sampledCount},
                       {"sampled_laplacian_var", sampledSharp / sampledCount},
                       {"original_laplacian_var", originalSharp / sampledCount}};
        io.out << "\n## Fidelity vs sampled (edges 1/4 + caption + hint 1/16, " << sampledCount << " images, DPM++(2M) "
               << steps << " steps, the file's guidance)\n\n| decode | PSNR (dB) | sharpness (Laplacian variance) |\n"
               << "|---|---|---|\n| fidelity | " << Report::fixed(fidelityPsnr / sampledCount, 2) << " | "
               << Report::fixed(fidelitySharp / sampledCount, 1) << " |\n| sampled | "
               << Report::fixed(sampledPsnr / sampledCount, 2) << " | " << Report::fixed(sampledSharp / sampledCount, 1)
               << " |\n| original | - | " << Report::fixed(originalSharp / sampledCount, 1) << " |\n";
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    io.out << "\n" << Report::fixed(seconds, 0) << " s in total\n";
    if (parser.isSet("plot"))
        drawPlot(series, parser.value("plot").toStdString(),
                 "bpp vs PSNR, " + std::to_string(images.size()) + " images, model " + decoder.modelId());
    if (parser.isSet("json")) {
        const nlohmann::json j = {{"images", images.size()}, {"model_id", decoder.modelId()}, {"curves", curves},
                                  {"bd_vs_semantic_fidelity_0.01_0.05", bd}, {"ablations", abl},
                                  {"sampled", sampledJson}, {"seconds", seconds}, {"per_image", perImage}};
        std::ofstream f(parser.value("json").toStdString());
        f << j.dump(1) << "\n";
        if (!f)
            throw Error("cannot write '" + parser.value("json").toStdString() + "'.");
    }
    return kOk;
}

}  // namespace sem::cli

#include "cli/bench/BaselineBench.h"

#include "cli/bench/BenchSupport.h"

#include "core/baselines/Baselines.h"
#include "core/common/Error.h"
#include "core/metrics/Metrics.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <utility>

#include <opencv2/imgcodecs.hpp>

namespace sem::bench {
namespace {

// encode+decode is timed this many times and the fastest run is kept (the least disturbed by
// other processes on a shared machine).
constexpr int kTimingRuns = 3;

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

struct Cell {  // one codec at one target, accumulated over the images
    int reached = 0;
    double bpp = 0.0, psnr = 0.0, ssim = 0.0, msSsim = 0.0, codingMs = 0.0;
};

}  // namespace

std::vector<double> baselineBenchTargets() {
    return {0.01, 0.02, 0.05, 0.1, 0.2, 0.5};
}

int runBaselineBench(const std::vector<std::string>& imagePaths, std::ostream& out) {
    const std::vector<double> targets = baselineBenchTargets();
    const std::vector<BaselineCodec> codecs = Baselines::all();
    std::map<std::pair<int, std::size_t>, Cell> cells;        // (codec, target index)
    std::map<int, double> searchMs;                             // codec -> total search time
    std::vector<std::pair<std::string, std::vector<std::string>>> perImage;  // rows of PSNRs

    for (const std::string& path : imagePaths) {
        const cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
        if (img.empty()) {
            out << "error: cannot read image " << path << "\n";
            return 1;
        }
        for (const BaselineCodec codec : codecs) {
            const int c = static_cast<int>(codec);
            std::vector<std::string> row;
            if (!Baselines::isAvailable(codec)) {
                out << "note: " << Baselines::name(codec) << " is not available in this build\n";
                continue;
            }
            const BenchClock::time_point t0 = BenchClock::now();
            const std::vector<BaselineResult> rs = Baselines::atTargetBpps(img, codec, targets);
            searchMs[c] += msSince(t0);
            for (std::size_t i = 0; i < rs.size(); ++i) {
                const BaselineResult& r = rs[i];
                if (!r.reached) {
                    row.push_back("n/r (" + fmt(r.bpp, 3) + ")");
                    continue;
                }
                double ms = 0.0;
                for (int run = 0; run < kTimingRuns; ++run) {
                    const BenchClock::time_point t1 = BenchClock::now();
                    const BaselineResult again = Baselines::encodeDecode(img, codec, r.quality, r.downscale);
                    const double elapsed = msSince(t1);
                    ms = run == 0 ? elapsed : std::min(ms, elapsed);
                    if (again.bytes != r.bytes)
                        throw Error("bench: " + Baselines::name(codec) + " is not deterministic.");
                }
                const metrics::Scores s = metrics::all(img, r.decoded);
                Cell& cell = cells[{c, i}];
                ++cell.reached;
                cell.bpp += r.bpp;
                cell.psnr += s.psnr;
                cell.ssim += s.ssim;
                cell.msSsim += s.msSsim;
                cell.codingMs += ms;
                std::string setting = "q" + std::to_string(r.quality);
                if (r.downscale > 1) setting += "/" + std::to_string(r.downscale);
                row.push_back(fmt(s.psnr, 2) + " (" + setting + ")");
            }
            perImage.emplace_back(baseName(path) + " | " + Baselines::name(codec), row);
        }
    }

    const std::size_t n = imagePaths.size();
    out << "### Summary over " << n << " images (means over the images that reached the target)\n\n";
    out << "| codec | target bpp | reached | bpp | PSNR dB | SSIM | MS-SSIM | encode+decode ms (best of "
        << kTimingRuns << ") |\n";
    out << "|---|---|---|---|---|---|---|---|\n";
    for (const BaselineCodec codec : codecs) {
        const int c = static_cast<int>(codec);
        for (std::size_t i = 0; i < targets.size(); ++i) {
            out << "| " << Baselines::name(codec) << " | " << fmt(targets[i], 2) << " | ";
            const auto it = cells.find({c, i});
            if (it == cells.end()) {
                out << "0/" << n << " | not reached | | | | |\n";
                continue;
            }
            const Cell& k = it->second;
            const double m = k.reached;
            out << k.reached << "/" << n << " | " << fmt(k.bpp / m, 4) << " | " << fmt(k.psnr / m, 2) << " | "
                << fmt(k.ssim / m, 4) << " | " << fmt(k.msSsim / m, 4) << " | " << fmt(k.codingMs / m, 1)
                << " |\n";
        }
    }
    out << "\n### Search time (all " << targets.size() << " targets, one image, mean)\n\n";
    out << "| codec | ms per image |\n|---|---|\n";
    for (const BaselineCodec codec : codecs)
        out << "| " << Baselines::name(codec) << " | "
            << fmt(searchMs[static_cast<int>(codec)] / static_cast<double>(n ? n : 1), 0) << " |\n";

    out << "\n### PSNR per image (setting: q = quality, /f = downscale factor; n/r = not reached, "
           "smallest bpp in brackets)\n\n| image | codec |";
    for (const double t : targets) out << " " << fmt(t, 2) << " |";
    out << "\n|---|---|";
    for (std::size_t i = 0; i < targets.size(); ++i) out << "---|";
    out << "\n";
    for (const auto& [label, row] : perImage) {
        out << "| " << label << " |";
        for (const std::string& cell : row) out << " " << cell << " |";
        out << "\n";
    }
    return 0;
}

}  // namespace sem::bench

#include "cli/bench/NiqeBench.h"

#include "cli/bench/BenchSupport.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <opencv2/imgproc.hpp>

#include "core/image/ImageIO.h"
#include "core/metrics/Metrics.h"
#include "core/metrics/Niqe.h"

namespace sem::bench {
namespace {

// Median wall-clock and process CPU milliseconds of `runs` calls (on a shared machine the CPU time
// is the steadier figure: the wall clock also counts the time other processes held the cores).
struct WallCpuMs {
    double wallMs = 0.0;
    double cpuMs = 0.0;
};

template <typename F>
WallCpuMs medianWallCpuMs(int runs, F&& f)
{
    std::vector<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        const BenchClock::time_point t0 = BenchClock::now();
        const std::clock_t c0 = std::clock();
        f();
        cpu.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        wall.push_back(msSince(t0));
    }
    return {median(wall), median(cpu)};
}

}  // namespace

int runNiqeBench(const std::vector<std::string>& imagePaths, int runs, std::ostream& out)
{
    out << "| image (resized to 768x512) | NIQE | NIQE ms | NIQE CPU ms | PSNR+SSIM+MS-SSIM+GMSD ms | CPU ms |\n"
        << "|---|---:|---:|---:|---:|---:|\n";
    std::vector<double> niqeMs, niqeCpu, fullMs, fullCpu;
    out << std::fixed;
    for (const std::string& path : imagePaths) {
        cv::Mat img, blurred;
        cv::resize(ImageIO::load(path).bgr, img, cv::Size(768, 512), 0, 0, cv::INTER_AREA);
        cv::GaussianBlur(img, blurred, cv::Size(0, 0), 1.5);
        double score = 0.0;
        const WallCpuMs n = medianWallCpuMs(runs, [&] { score = metrics::niqe(img); });
        const WallCpuMs f = medianWallCpuMs(runs, [&] { (void)metrics::all(img, blurred); });
        niqeMs.push_back(n.wallMs);
        niqeCpu.push_back(n.cpuMs);
        fullMs.push_back(f.wallMs);
        fullCpu.push_back(f.cpuMs);
        out << "| " << baseName(path) << " | " << std::setprecision(4) << score << " | " << std::setprecision(1)
            << n.wallMs << " | " << n.cpuMs << " | " << f.wallMs << " | " << f.cpuMs << " |\n";
    }
    if (niqeMs.empty())
        return 0;
    out << "\nMedian over images at 768x512: NIQE " << std::setprecision(1) << median(niqeMs) << " ms ("
        << median(niqeCpu) << " ms CPU), the full-reference metrics " << median(fullMs) << " ms ("
        << median(fullCpu) << " ms CPU).\n";
    cv::Mat big;
    cv::resize(ImageIO::load(imagePaths.front()).bgr, big, cv::Size(4000, 3000), 0, 0, cv::INTER_CUBIC);
    const WallCpuMs bigMs = medianWallCpuMs(std::max(1, std::min(runs, 5)), [&] { (void)metrics::niqe(big); });
    out << "NIQE at 4000x3000 (12 MP, " << baseName(imagePaths.front()) << " upscaled): " << std::setprecision(0)
        << bigMs.wallMs << " ms (" << bigMs.cpuMs << " ms CPU).\n";
    return 0;
}

}  // namespace sem::bench

#include "cli/bench/NiqeBench.h"

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
struct Timing {
    double wallMs = 0.0;
    double cpuMs = 0.0;
};

template <typename F>
Timing medianMs(int runs, F&& f)
{
    std::vector<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        f();
        cpu.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

std::string baseName(const std::string& p)
{
    const auto s = p.find_last_of('/');
    return s == std::string::npos ? p : p.substr(s + 1);
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
        const Timing n = medianMs(runs, [&] { score = metrics::niqe(img); });
        const Timing f = medianMs(runs, [&] { (void)metrics::all(img, blurred); });
        niqeMs.push_back(n.wallMs);
        niqeCpu.push_back(n.cpuMs);
        fullMs.push_back(f.wallMs);
        fullCpu.push_back(f.cpuMs);
        out << "| " << baseName(path) << " | " << std::setprecision(4) << score << " | " << std::setprecision(1)
            << n.wallMs << " | " << n.cpuMs << " | " << f.wallMs << " | " << f.cpuMs << " |\n";
    }
    if (niqeMs.empty())
        return 0;
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    out << "\nMedian over images at 768x512: NIQE " << std::setprecision(1) << median(niqeMs) << " ms ("
        << median(niqeCpu) << " ms CPU), the full-reference metrics " << median(fullMs) << " ms ("
        << median(fullCpu) << " ms CPU).\n";
    cv::Mat big;
    cv::resize(ImageIO::load(imagePaths.front()).bgr, big, cv::Size(4000, 3000), 0, 0, cv::INTER_CUBIC);
    const Timing bigMs = medianMs(std::max(1, std::min(runs, 5)), [&] { (void)metrics::niqe(big); });
    out << "NIQE at 4000x3000 (12 MP, " << baseName(imagePaths.front()) << " upscaled): " << std::setprecision(0)
        << bigMs.wallMs << " ms (" << bigMs.cpuMs << " ms CPU).\n";
    return 0;
}

}  // namespace sem::bench

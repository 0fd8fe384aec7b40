#include "cli/bench/EncodeBench.h"

#include "cli/bench/BenchSupport.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/image/ImageIO.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/RateLadder.h"

namespace sem::bench {
namespace {

template <typename F>
double medianMs(int runs, F&& f)
{
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const BenchClock::time_point t0 = BenchClock::now();
        f();
        t.push_back(msSince(t0));
    }
    return median(t);
}

}  // namespace

std::string machineDescription()
{
    std::ifstream cpu("/proc/cpuinfo");
    std::string line, model = "unknown CPU";
    while (std::getline(cpu, line))
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores";
}

int runEncodeBench(const std::vector<std::string>& imagePaths, int runs, std::ostream& out)
{
    out << "| image (resized to 768x512) | encode ms | .sem bytes | bpp | OpenCV WebP q75 ms | WebP bytes |\n"
        << "|---|---:|---:|---:|---:|---:|\n";
    EncodeOptions o;
    o.canny.scaleDenominator = 4;
    o.hint.factor = 16;
    o.caption = "A bike parked under a traffic light next to a blue sign.";
    std::vector<double> enc, webp, fit;
    out << std::fixed;
    for (const std::string& path : imagePaths) {
        cv::Mat img;
        cv::resize(ImageIO::load(path).bgr, img, cv::Size(768, 512), 0, 0, cv::INTER_AREA);
        std::size_t semBytes = 0, webpBytes = 0;
        const double e = medianMs(runs, [&] { semBytes = Encoder::encode(img, o).file.serialize().size(); });
        const double w = medianMs(runs, [&] {
            std::vector<std::uint8_t> buf;
            cv::imencode(".webp", img, buf, {cv::IMWRITE_WEBP_QUALITY, 75});
            webpBytes = buf.size();
        });
        enc.push_back(e);
        webp.push_back(w);
        // `semc encode --target-bpp 0.02`: every rung of the ladder encoded, the best that fits kept.
        fit.push_back(medianMs(runs, [&] { RateLadder::encodeWithin(img, o, static_cast<std::size_t>(768 * 512 * 0.02 / 8.0)); }));
        out << "| " << baseName(path) << " | " << std::setprecision(2) << e << " | " << semBytes << " | "
            << std::setprecision(4) << semBytes * 8.0 / (768 * 512) << " | " << std::setprecision(2) << w << " | "
            << webpBytes << " |\n";
    }
    if (enc.empty())
        return 0;
    std::sort(enc.begin(), enc.end());
    std::sort(webp.begin(), webp.end());
    std::sort(fit.begin(), fit.end());
    out << "\nMedian over images: encode " << std::setprecision(2) << enc[enc.size() / 2] << " ms, WebP "
        << webp[webp.size() / 2] << " ms; encode at a rate target (0.02 bpp, " << RateLadder::rungs().size()
        << " operating points tried) " << fit[fit.size() / 2] << " ms.\n";

    // Live slider: a 12 MP photo (the first image upscaled to 4000x3000), default edge settings.
    cv::Mat big;
    cv::resize(ImageIO::load(imagePaths.front()).bgr, big, cv::Size(4000, 3000), 0, 0, cv::INTER_CUBIC);
    const CannyParams p;
    std::size_t bytes = 0;
    const double live = medianMs(runs, [&] { bytes = EdgeCodec::encode(EdgeExtractor::extract(big, p)).size(); });
    out << "\nLive slider, 4000x3000 (12 MP, " << baseName(imagePaths.front())
        << " upscaled), default settings: extract + code " << std::setprecision(1) << live << " ms, " << bytes
        << " bytes.\n";
    const double bigFit =
        medianMs(runs, [&] { RateLadder::encodeWithin(big, o, static_cast<std::size_t>(4000.0 * 3000.0 * 0.02 / 8.0)); });
    out << "Rate target 0.02 bpp on the same 12 MP photo (--target-bpp): " << std::setprecision(1) << bigFit << " ms.\n";
    return 0;
}

}  // namespace sem::bench

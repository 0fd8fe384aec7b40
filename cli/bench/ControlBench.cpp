#include "cli/bench/ControlBench.h"

#include <iomanip>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/edges/CannyParams.h"
#include "core/edges/EdgeExtractor.h"
#include "diffusion/sd/ControlImage.h"

namespace sem::bench {

namespace {

using diffusion::sd::ControlPreparation;

constexpr double kTolerance = 2.0;  // pixels

// The fraction of `from`'s edge pixels within kTolerance of an edge pixel of `to` (both CV_8U 0/255).
double matched(const cv::Mat& from, const cv::Mat& to)
{
    const int n = cv::countNonZero(from);
    if (n == 0)
        return 0.0;
    cv::Mat distance;
    cv::distanceTransform(255 - to, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    int hits = 0;
    for (int y = 0; y < from.rows; ++y)
        for (int x = 0; x < from.cols; ++x)
            if (from.at<std::uint8_t>(y, x) && static_cast<double>(distance.at<float>(y, x)) <= kTolerance)
                ++hits;
    return static_cast<double>(hits) / n;
}

struct Score {
    double precision = 0, recall = 0, f = 0, density = 0;
    int images = 0;
};

}  // namespace

int runControlPreparationBench(const std::vector<std::string>& imagePaths, int workSize, std::ostream& out)
{
    const ControlPreparation preparations[] = {ControlPreparation::Nearest, ControlPreparation::Thinned,
                                               ControlPreparation::Linked};
    std::map<std::pair<int, int>, Score> scores;  // (scale, preparation) -> sums
    int images = 0;
    for (const std::string& path : imagePaths) {
        const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
        if (bgr.empty())
            continue;
        ++images;
        const auto [w, h] = diffusion::sd::workingSize(bgr.cols, bgr.rows, workSize);
        cv::Mat resized, gray, reference;
        cv::resize(bgr, resized, cv::Size(w, h), 0, 0, w < bgr.cols ? cv::INTER_AREA : cv::INTER_CUBIC);
        cv::cvtColor(resized, gray, cv::COLOR_BGR2GRAY);
        cv::Canny(gray, reference, 100, 200);
        const int referencePixels = std::max(1, cv::countNonZero(reference));
        for (const int d : {2, 4, 8}) {
            CannyParams params;
            params.scaleDenominator = d;
            const cv::Mat map = EdgeExtractor::extract(bgr, params).combined();
            const std::vector<std::uint8_t> bytes(map.data, map.data + map.total());
            for (const ControlPreparation p : preparations) {
                const auto control = diffusion::sd::prepareControlImage(bytes, map.cols, map.rows, w, h, p);
                const cv::Mat prepared(h, w, CV_8U, const_cast<std::uint8_t*>(control.pixels.data()));
                Score& s = scores[{d, static_cast<int>(p)}];
                const double precision = matched(prepared, reference), recall = matched(reference, prepared);
                s.precision += precision;
                s.recall += recall;
                s.f += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
                s.density += static_cast<double>(cv::countNonZero(prepared)) / referencePixels;
                ++s.images;
            }
        }
    }
    if (images == 0) {
        out << "No image could be read.\n";
        return 1;
    }
    out << "Control image preparations against OpenCV Canny 100/200 at the working size (longest side " << workSize
        << "), " << images << " images; edge pixels matched within " << kTolerance
        << " px; density = edge pixels / the reference's.\n\n"
        << "| edge scale | preparation | precision | recall | F-score | density |\n|---|---|---:|---:|---:|---:|\n"
        << std::fixed << std::setprecision(3);
    for (const auto& [key, s] : scores) {
        const double n = s.images;
        out << "| 1/" << key.first << " | " << diffusion::sd::controlPreparationName(static_cast<ControlPreparation>(key.second))
            << " | " << s.precision / n << " | " << s.recall / n << " | " << s.f / n << " | " << s.density / n << " |\n";
    }
    return 0;
}

}  // namespace sem::bench

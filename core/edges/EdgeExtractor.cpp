#include "core/edges/EdgeExtractor.h"

#include <algorithm>
#include <array>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "core/common/Error.h"

namespace sem {

namespace {

// Removes the 8-connected components of `edges` (0/255) with fewer than `minLength` pixels.
void pruneShortFragments(cv::Mat& edges, int minLength)
{
    if (minLength <= 1)
        return;
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(edges, labels, stats, centroids, 8, CV_32S);
    std::vector<std::uint8_t> keep(static_cast<std::size_t>(n), 0);
    bool anyDropped = false;
    for (int i = 1; i < n; ++i) {
        keep[static_cast<std::size_t>(i)] = stats.at<int>(i, cv::CC_STAT_AREA) >= minLength ? 255 : 0;
        anyDropped = anyDropped || keep[static_cast<std::size_t>(i)] == 0;
    }
    if (!anyDropped)
        return;
    for (int y = 0; y < edges.rows; ++y) {
        const int* lab = labels.ptr<int>(y);
        std::uint8_t* row = edges.ptr<std::uint8_t>(y);
        for (int x = 0; x < edges.cols; ++x)
            row[x] = keep[static_cast<std::size_t>(lab[x])];
    }
}

cv::Mat downscale(const cv::Mat& src, int d)
{
    if (d == 1)
        return src;
    cv::Mat out;
    cv::resize(src, out, cv::Size(edgeMapSide(src.cols, d), edgeMapSide(src.rows, d)), 0, 0, cv::INTER_AREA);
    return out;
}

cv::Mat edgesOf(const cv::Mat& gray, const CannyParams& p)
{
    cv::Mat blurred = gray;
    if (p.blurSigma > 0.0)
        cv::GaussianBlur(gray, blurred, cv::Size(0, 0), p.blurSigma, p.blurSigma, cv::BORDER_REPLICATE);
    double low = p.low;
    double high = p.high;
    if (p.autoThresholds)
        std::tie(low, high) = EdgeExtractor::autoThresholds(blurred, p.autoSigma);
    cv::Mat edges;
    cv::Canny(blurred, edges, low, high, p.aperture, p.l2Gradient);
    pruneShortFragments(edges, p.minLength);
    return edges;
}

}  // namespace

std::pair<double, double> EdgeExtractor::autoThresholds(const cv::Mat& gray8, double sigma)
{
    if (gray8.empty() || gray8.type() != CV_8UC1)
        throw Error("edge extraction: automatic thresholds need a non-empty 8-bit single-channel image.");
    if (!(sigma > 0.0 && sigma <= 1.0))
        throw Error("edge extraction: autoSigma " + std::to_string(sigma) + " is outside (0, 1].");
    std::array<long long, 256> hist{};
    for (int y = 0; y < gray8.rows; ++y) {
        const std::uint8_t* row = gray8.ptr<std::uint8_t>(y);
        for (int x = 0; x < gray8.cols; ++x)
            ++hist[row[x]];
    }
    // Lower median: the smallest value v with at least half of the pixels <= v.
    const long long total = static_cast<long long>(gray8.rows) * gray8.cols;
    long long cumulative = 0;
    int median = 255;
    for (int v = 0; v < 256; ++v) {
        cumulative += hist[static_cast<std::size_t>(v)];
        if (2 * cumulative >= total) {
            median = v;
            break;
        }
    }
    const double low = std::max(0.0, (1.0 - sigma) * median);
    const double high = std::min(255.0, (1.0 + sigma) * median);
    return {low, high};
}

EdgeMap EdgeExtractor::extract(const cv::Mat& bgr, const CannyParams& params)
{
    params.validate();
    if (bgr.empty())
        throw Error("edge extraction: the image is empty.");
    if (bgr.type() != CV_8UC3 && !(bgr.type() == CV_8UC1 && !params.perChannel))
        throw Error("edge extraction: the image must be 8-bit BGR (or 8-bit gray for a luma map).");
    const int d = params.scaleDenominator;
    EdgeMap map;
    map.width = edgeMapSide(bgr.cols, d);
    map.height = edgeMapSide(bgr.rows, d);
    map.scaleDenominator = d;
    if (params.perChannel) {
        std::vector<cv::Mat> channels;
        cv::split(downscale(bgr, d), channels);
        for (const cv::Mat& c : channels)
            map.planes.push_back(edgesOf(c, params));
    } else {
        cv::Mat gray = bgr;
        if (bgr.channels() == 3)
            cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
        map.planes.push_back(edgesOf(downscale(gray, d), params));
    }
    return map;
}

}  // namespace sem

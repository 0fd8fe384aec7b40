#include "cli/eval/RdPlotImage.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <opencv2/imgproc.hpp>

#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"

namespace sem::cli {

void drawRdPlot(const std::vector<Series>& series, const std::string& path, const std::string& title,
                PlotMetric metric)
{
    const int w = 1060, h = 650, left = 80, right = 320, top = 50, bottom = 60;
    cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    auto value = [metric](const BdPoint& p) {
        switch (metric) {
        case PlotMetric::Psnr: return p.psnr;
        case PlotMetric::Ssim: return p.ssim;
        case PlotMetric::MsSsim: return p.msSsim;
        case PlotMetric::Niqe: return p.niqe;
        }
        return p.psnr;
    };
    // PSNR in dB on whole-dB ticks; SSIM and MS-SSIM (0..1) on ticks of 0.02 or 0.05; NIQE on ticks
    // of 0.5 or 1.
    const bool db = metric == PlotMetric::Psnr;
    const bool niqe = metric == PlotMetric::Niqe;
    const double unit = db ? 1.0 : niqe ? 0.5 : 0.02;
    // The finite points of each series, by rising bpp (a lossless decode has an infinite PSNR).
    std::vector<Series> shown;
    for (const Series& s : series) {
        Series f{s.name, {}};
        std::copy_if(s.points.begin(), s.points.end(), std::back_inserter(f.points),
                     [&](const BdPoint& p) { return std::isfinite(p.bpp) && std::isfinite(value(p)); });
        std::sort(f.points.begin(), f.points.end(), [](const BdPoint& a, const BdPoint& b) { return a.bpp < b.bpp; });
        shown.push_back(std::move(f));
    }
    double xMax = 0, yMin = 1e9, yMax = -1e9;
    for (const Series& s : shown)
        for (const BdPoint& p : s.points) {
            xMax = std::max(xMax, p.bpp);
            yMin = std::min(yMin, value(p));
            yMax = std::max(yMax, value(p));
        }
    if (xMax <= 0)
        return;
    xMax = std::ceil(xMax * 100.0 + 0.5) / 100.0;
    yMin = std::floor(yMin / unit - 0.5) * unit;
    yMax = std::ceil(yMax / unit + 0.5) * unit;
    const double yStep = (yMax - yMin) > 12 * unit ? (db ? 2.0 : niqe ? 1.0 : 0.05) : unit;
    if (!db) {  // ticks on multiples of the step
        yMin = std::floor(yMin / yStep + 1e-9) * yStep;
        yMax = std::ceil(yMax / yStep - 1e-9) * yStep;
    }
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
    for (double y = yMin; y <= yMax + 1e-9; y += yStep) {
        cv::line(img, {left, py(y)}, {w - right, py(y)}, grid);
        cv::line(img, {left - 5, py(y)}, {left, py(y)}, black);
        cv::putText(img, Report::fixed(y, db ? 0 : niqe ? 1 : 2), {left - (db ? 35 : niqe ? 40 : 45), py(y) + 5}, font,
                    0.45, black, 1, cv::LINE_AA);
    }
    cv::rectangle(img, {left, top}, {w - right, h - bottom}, black);
    cv::putText(img, "bits per pixel", {left + (w - left - right) / 2 - 50, h - 15}, font, 0.55, black, 1, cv::LINE_AA);
    const char* yLabel = db                             ? "PSNR (dB)"
                         : metric == PlotMetric::Ssim   ? "SSIM"
                         : metric == PlotMetric::MsSsim ? "MS-SSIM"
                                                        : "NIQE";
    cv::putText(img, yLabel, {10, top - 15}, font, 0.55, black, 1, cv::LINE_AA);
    cv::putText(img, title, {left + 90, 22}, font, 0.6, black, 1, cv::LINE_AA);
    const cv::Scalar colours[] = {{40, 40, 220}, {200, 120, 0}, {0, 160, 0}, {160, 0, 160}, {0, 140, 220},
                                  {120, 120, 120}, {0, 0, 0}, {200, 200, 0}, {90, 60, 20},
                                  {0, 90, 255}, {140, 200, 140}};
    std::size_t drawn = 0;  // series without points get no legend entry
    for (const Series& s : shown) {
        if (s.points.empty())
            continue;
        const std::size_t i = drawn++;
        const cv::Scalar c = colours[i % (sizeof colours / sizeof colours[0])];
        const std::vector<BdPoint>& pts = s.points;
        for (std::size_t k = 0; k < pts.size(); ++k) {
            const cv::Point p(px(pts[k].bpp), py(value(pts[k])));
            cv::circle(img, p, 4, c, cv::FILLED, cv::LINE_AA);
            if (k > 0)
                cv::line(img, {px(pts[k - 1].bpp), py(value(pts[k - 1]))}, p, c, 2, cv::LINE_AA);
        }
        const int ly = top + 20 + static_cast<int>(i) * 24;
        cv::line(img, {w - right + 15, ly - 4}, {w - right + 45, ly - 4}, c, 2, cv::LINE_AA);
        cv::circle(img, {w - right + 30, ly - 4}, 4, c, cv::FILLED, cv::LINE_AA);
        cv::putText(img, s.name, {w - right + 52, ly}, font, 0.45, black, 1, cv::LINE_AA);
    }
    ImageIO::save(path, img);  // atomic; throws sem::Error with the path
}


}  // namespace sem::cli

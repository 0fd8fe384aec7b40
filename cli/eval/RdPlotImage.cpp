#include "cli/eval/RdPlotImage.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <opencv2/imgproc.hpp>

#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/image/ImageIO.h"

namespace sem::cli {

namespace {

int textWidth(const std::string& text, double scale)
{
    int baseline = 0;
    return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width;
}

// `text` in lines no wider than `width` px, broken at spaces (a single word wider than that stays whole).
std::vector<std::string> wrapped(const std::string& text, double scale, int width)
{
    std::vector<std::string> lines;
    std::string line;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string word = text.substr(start, end - start);
        const std::string candidate = line.empty() ? word : line + " " + word;
        if (!line.empty() && textWidth(candidate, scale) > width) {
            lines.push_back(line);
            line = "  " + word;  // continuation lines are indented
        } else {
            line = candidate;
        }
        start = end + 1;
    }
    lines.push_back(line);
    return lines;
}

// A line of the plot, solid or dashed (8 px on, 5 off).
void segment(cv::Mat& img, cv::Point a, cv::Point b, const cv::Scalar& colour, bool dashed)
{
    if (!dashed) {
        cv::line(img, a, b, colour, 2, cv::LINE_AA);
        return;
    }
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    for (double t = 0; t < length; t += 13.0) {
        const double t1 = std::min(t + 8.0, length);
        auto at = [&](double u) {
            return cv::Point(static_cast<int>(std::lround(a.x + (b.x - a.x) * u / length)),
                             static_cast<int>(std::lround(a.y + (b.y - a.y) * u / length)));
        };
        cv::line(img, at(t), at(t1), colour, 2, cv::LINE_AA);
    }
}

}  // namespace

void drawRdPlot(const std::vector<Series>& series, const std::string& path, const std::string& title,
                PlotMetric metric)
{
    const int w = 1060, h = 650, left = 80, top = 50, bottom = 60;
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const double legendScale = 0.45;
    // The legend takes what its longest name needs, between 320 and 520 px; a name longer than that
    // is wrapped onto further lines.
    int longest = 0;
    for (const Series& s : series)
        longest = std::max(longest, textWidth(s.name, legendScale));
    const int right = std::clamp(longest + 62, 320, 520);
    const int legendText = right - 62;
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
        Series f{s.name, {}, s.dashed};
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
    // The title at 0.6, smaller where it would not fit the width.
    const double titleScale = std::min(0.6, 0.6 * (w - left - 100) / std::max(1, textWidth(title, 0.6)));
    cv::putText(img, title, {left + 90, 22}, font, titleScale, black, 1, cv::LINE_AA);
    const cv::Scalar colours[] = {{40, 40, 220}, {200, 120, 0}, {0, 160, 0}, {160, 0, 160}, {0, 140, 220},
                                  {120, 120, 120}, {0, 0, 0}, {200, 200, 0}, {90, 60, 20},
                                  {0, 90, 255}, {140, 200, 140}, {60, 20, 140}, {20, 110, 110}};
    std::size_t drawn = 0;  // series without points get no legend entry
    int ly = top + 20;      // the legend's next line
    for (const Series& s : shown) {
        if (s.points.empty())
            continue;
        const std::size_t i = drawn++;
        const cv::Scalar c = colours[i % (sizeof colours / sizeof colours[0])];
        const std::vector<BdPoint>& pts = s.points;
        auto marker = [&](cv::Point p) {
            if (s.dashed)
                cv::rectangle(img, {p.x - 4, p.y - 4}, {p.x + 4, p.y + 4}, c, cv::FILLED, cv::LINE_AA);
            else
                cv::circle(img, p, 4, c, cv::FILLED, cv::LINE_AA);
        };
        for (std::size_t k = 0; k < pts.size(); ++k) {
            const cv::Point p(px(pts[k].bpp), py(value(pts[k])));
            marker(p);
            if (k > 0)
                segment(img, {px(pts[k - 1].bpp), py(value(pts[k - 1]))}, p, c, s.dashed);
        }
        segment(img, {w - right + 15, ly - 4}, {w - right + 45, ly - 4}, c, s.dashed);
        marker({w - right + 30, ly - 4});
        for (const std::string& line : wrapped(s.name, legendScale, legendText)) {
            cv::putText(img, line, {w - right + 52, ly}, font, legendScale, black, 1, cv::LINE_AA);
            ly += 20;
        }
        ly += 4;
    }
    ImageIO::save(path, img);  // atomic; throws sem::Error with the path
}


}  // namespace sem::cli

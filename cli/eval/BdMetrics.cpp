#include "cli/eval/BdMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sem::cli {

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

std::vector<BdPoint> paretoFront(std::vector<BdPoint> points)
{
    std::sort(points.begin(), points.end(), [](const BdPoint& a, const BdPoint& b) {
        return a.bpp < b.bpp || (a.bpp == b.bpp && a.psnr > b.psnr);
    });
    std::vector<BdPoint> front;
    for (const BdPoint& p : points)
        if (std::isfinite(p.psnr) && (front.empty() || p.psnr > front.back().psnr))
            front.push_back(p);
    return front;
}

}  // namespace sem::cli

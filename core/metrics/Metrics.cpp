#include "core/metrics/Metrics.h"

#include "core/common/Error.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace sem::metrics {
namespace {

constexpr int kWindow = 11;        // SSIM Gaussian window side
constexpr double kSigma = 1.5;     // SSIM Gaussian sigma
constexpr double kC1 = (0.01 * 255.0) * (0.01 * 255.0);
constexpr double kC2 = (0.03 * 255.0) * (0.03 * 255.0);
constexpr std::array<double, 5> kMsSsimWeights = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
constexpr double kGmsdC = 170.0;

std::string sizeText(const cv::Mat& m) {
    return std::to_string(m.cols) + "x" + std::to_string(m.rows);
}

void check(const cv::Mat& a, const cv::Mat& b) {
    if (a.empty() || b.empty())
        throw Error("metrics: an input image is empty.");
    if (a.type() != CV_8UC3 || b.type() != CV_8UC3)
        throw Error("metrics: images must be 8-bit, 3-channel (BGR).");
    if (a.size() != b.size())
        throw Error("metrics: image sizes differ (" + sizeText(a) + " vs " + sizeText(b) + ").");
}

void checkSsimSize(const cv::Mat& a) {
    if (a.cols < kWindow || a.rows < kWindow)
        throw Error("metrics: SSIM needs images of at least 11x11 pixels, got " + sizeText(a) + ".");
}

// BGR 8-bit -> three CV_64F planes in B, G, R order.
std::vector<cv::Mat> planes(const cv::Mat& bgr) {
    std::vector<cv::Mat> ch;
    cv::split(bgr, ch);
    for (cv::Mat& c : ch) c.convertTo(c, CV_64F);
    return ch;
}

// BT.601 luma, full range, unrounded.
cv::Mat luma(const cv::Mat& bgr) {
    cv::Mat y(bgr.size(), CV_64F);
    for (int r = 0; r < bgr.rows; ++r) {
        const auto* src = bgr.ptr<cv::Vec3b>(r);
        auto* dst = y.ptr<double>(r);
        for (int c = 0; c < bgr.cols; ++c)
            dst[c] = 0.114 * src[c][0] + 0.587 * src[c][1] + 0.299 * src[c][2];
    }
    return y;
}

double psnrFromMse(double mse) {
    if (mse <= 0.0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(255.0 * 255.0 / mse);
}

double lumaPsnr(const cv::Mat& ya, const cv::Mat& yb) {
    const double sq = cv::norm(ya, yb, cv::NORM_L2SQR);
    return psnrFromMse(sq / static_cast<double>(ya.total()));
}

// Mean SSIM and mean contrast-structure term of two CV_64F planes over the 'valid' positions.
struct SsimParts {
    double ssim = 0.0;
    double cs = 0.0;
};

SsimParts ssimParts(const cv::Mat& x, const cv::Mat& y) {
    const cv::Mat k = cv::getGaussianKernel(kWindow, kSigma, CV_64F);
    auto blur = [&k](const cv::Mat& in) {
        cv::Mat out;
        cv::sepFilter2D(in, out, CV_64F, k, k, cv::Point(-1, -1), 0.0, cv::BORDER_REFLECT);
        const int h = kWindow / 2;
        return out(cv::Rect(h, h, in.cols - 2 * h, in.rows - 2 * h)).clone();
    };
    const cv::Mat mx = blur(x), my = blur(y);
    const cv::Mat sxx = blur(x.mul(x)), syy = blur(y.mul(y)), sxy = blur(x.mul(y));

    double sumSsim = 0.0, sumCs = 0.0;
    for (int r = 0; r < mx.rows; ++r) {
        const double* pmx = mx.ptr<double>(r);
        const double* pmy = my.ptr<double>(r);
        const double* pxx = sxx.ptr<double>(r);
        const double* pyy = syy.ptr<double>(r);
        const double* pxy = sxy.ptr<double>(r);
        for (int c = 0; c < mx.cols; ++c) {
            const double mux = pmx[c], muy = pmy[c];
            const double vx = pxx[c] - mux * mux, vy = pyy[c] - muy * muy, cov = pxy[c] - mux * muy;
            const double cs = (2.0 * cov + kC2) / (vx + vy + kC2);
            const double l = (2.0 * mux * muy + kC1) / (mux * mux + muy * muy + kC1);
            sumSsim += l * cs;
            sumCs += cs;
        }
    }
    const double n = static_cast<double>(mx.total());
    return {sumSsim / n, sumCs / n};
}

// 2x2 average, keeping every second pixel: side n -> ceil(n/2). For an odd side the missing
// partner of the last row/column is that row/column itself (replicate) or zero (zeroPad).
cv::Mat halve(const cv::Mat& in, bool zeroPad) {
    const int outW = (in.cols + 1) / 2, outH = (in.rows + 1) / 2;
    cv::Mat out(outH, outW, CV_64F);
    auto at = [&in, zeroPad](int r, int c) -> double {
        if (r < in.rows && c < in.cols) return in.at<double>(r, c);
        if (zeroPad) return 0.0;
        return in.at<double>(std::min(r, in.rows - 1), std::min(c, in.cols - 1));
    };
    for (int r = 0; r < outH; ++r)
        for (int c = 0; c < outW; ++c)
            out.at<double>(r, c) = 0.25 * (at(2 * r, 2 * c) + at(2 * r, 2 * c + 1) +
                                           at(2 * r + 1, 2 * c) + at(2 * r + 1, 2 * c + 1));
    return out;
}

double msSsimPlane(cv::Mat x, cv::Mat y, int scales) {
    // The published five weights are used as they are (they sum to 1.0001); fewer scales
    // renormalise their weights to sum 1.
    double weightSum = 1.0;
    if (scales < static_cast<int>(kMsSsimWeights.size())) {
        weightSum = 0.0;
        for (int i = 0; i < scales; ++i) weightSum += kMsSsimWeights[static_cast<std::size_t>(i)];
    }
    double result = 1.0;
    for (int i = 0; i < scales; ++i) {
        const double w = kMsSsimWeights[static_cast<std::size_t>(i)] / weightSum;
        const SsimParts p = ssimParts(x, y);
        const double term = (i + 1 < scales) ? p.cs : p.ssim;
        result *= std::pow(std::max(term, 0.0), w);
        if (i + 1 < scales) {
            x = halve(x, false);
            y = halve(y, false);
        }
    }
    return result;
}

double gmsdLuma(const cv::Mat& ya, const cv::Mat& yb) {
    const cv::Mat a = halve(ya, true), b = halve(yb, true);
    const cv::Mat dx = (cv::Mat_<double>(3, 3) << 1, 0, -1, 1, 0, -1, 1, 0, -1) / 3.0;
    const cv::Mat dy = dx.t();
    auto magnitude = [&dx, &dy](const cv::Mat& in) {
        cv::Mat gx, gy, mag;
        cv::filter2D(in, gx, CV_64F, dx, cv::Point(-1, -1), 0.0, cv::BORDER_CONSTANT);
        cv::filter2D(in, gy, CV_64F, dy, cv::Point(-1, -1), 0.0, cv::BORDER_CONSTANT);
        cv::magnitude(gx, gy, mag);
        return mag;
    };
    const cv::Mat ga = magnitude(a), gb = magnitude(b);
    const std::size_t n = ga.total();
    if (n < 2) return 0.0;
    double sum = 0.0, sumSq = 0.0;
    for (int r = 0; r < ga.rows; ++r) {
        const double* pa = ga.ptr<double>(r);
        const double* pb = gb.ptr<double>(r);
        for (int c = 0; c < ga.cols; ++c) {
            const double gms = (2.0 * pa[c] * pb[c] + kGmsdC) / (pa[c] * pa[c] + pb[c] * pb[c] + kGmsdC);
            sum += gms;
            sumSq += gms * gms;
        }
    }
    const double dn = static_cast<double>(n);
    const double mean = sum / dn;
    const double var = std::max(0.0, (sumSq - dn * mean * mean) / (dn - 1.0));
    return std::sqrt(var);
}

double ssimPlanes(const std::vector<cv::Mat>& pa, const std::vector<cv::Mat>& pb) {
    double s = 0.0;
    for (std::size_t i = 0; i < pa.size(); ++i) s += ssimParts(pa[i], pb[i]).ssim;
    return s / static_cast<double>(pa.size());
}

double msSsimPlanes(const std::vector<cv::Mat>& pa, const std::vector<cv::Mat>& pb, int scales) {
    double s = 0.0;
    for (std::size_t i = 0; i < pa.size(); ++i) s += msSsimPlane(pa[i], pb[i], scales);
    return s / static_cast<double>(pa.size());
}

}  // namespace

double psnr(const cv::Mat& a, const cv::Mat& b) {
    check(a, b);
    const double sq = cv::norm(a, b, cv::NORM_L2SQR);
    return psnrFromMse(sq / (static_cast<double>(a.total()) * 3.0));
}

double psnrY(const cv::Mat& a, const cv::Mat& b) {
    check(a, b);
    return lumaPsnr(luma(a), luma(b));
}

double ssim(const cv::Mat& a, const cv::Mat& b) {
    check(a, b);
    checkSsimSize(a);
    return ssimPlanes(planes(a), planes(b));
}

double ssimY(const cv::Mat& a, const cv::Mat& b) {
    check(a, b);
    checkSsimSize(a);
    return ssimParts(luma(a), luma(b)).ssim;
}

int msSsimScales(int width, int height) {
    int side = std::min(width, height);
    int scales = 0;
    while (scales < static_cast<int>(kMsSsimWeights.size()) && side >= kWindow) {
        ++scales;
        side = (side + 1) / 2;
    }
    return scales;
}

double msSsim(const cv::Mat& a, const cv::Mat& b) {
    check(a, b);
    checkSsimSize(a);
    return msSsimPlanes(planes(a), planes(b), msSsimScales(a.cols, a.rows));
}

double gmsd(const cv::Mat& a, const cv::Mat& b) {
    check(a, b);
    return gmsdLuma(luma(a), luma(b));
}

double bpp(std::size_t bytes, int width, int height) {
    if (width <= 0 || height <= 0)
        throw Error("metrics: cannot compute bits per pixel for an empty image size.");
    return static_cast<double>(bytes) * 8.0 / (static_cast<double>(width) * static_cast<double>(height));
}

Scores all(const cv::Mat& a, const cv::Mat& b) {
    check(a, b);
    checkSsimSize(a);
    const std::vector<cv::Mat> pa = planes(a), pb = planes(b);
    const cv::Mat ya = luma(a), yb = luma(b);
    Scores s;
    double sq = 0.0;
    for (std::size_t i = 0; i < pa.size(); ++i) sq += cv::norm(pa[i], pb[i], cv::NORM_L2SQR);
    s.psnr = psnrFromMse(sq / (static_cast<double>(a.total()) * 3.0));
    s.psnrY = lumaPsnr(ya, yb);
    s.ssim = ssimPlanes(pa, pb);
    s.msSsim = msSsimPlanes(pa, pb, msSsimScales(a.cols, a.rows));
    s.gmsd = gmsdLuma(ya, yb);
    return s;
}

}  // namespace sem::metrics

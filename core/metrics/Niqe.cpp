#include "core/metrics/Niqe.h"

#include "core/common/Error.h"
#include "core/metrics/MatlabResize.h"
#include "core/metrics/NiqePristineModel.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace sem::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kPerScale = 18;

// The AGGD shape grid of BasicSR's estimate_aggd_param: np.arange(0.2, 10.001, 0.001), with
// r(a) = G(2/a)^2 / (G(1/a) G(3/a)) and the two gamma ratios the features use.
struct ShapeGrid {
    std::vector<double> alpha;
    std::vector<double> r;
    std::vector<double> scaleRatio;  // sqrt(G(1/a) / G(3/a))
    std::vector<double> meanRatio;   // G(2/a) / G(1/a)
    bool increasing = true;

    ShapeGrid() {
        constexpr int n = 9801;  // len(np.arange(0.2, 10.001, 0.001))
        alpha.resize(n);
        r.resize(n);
        scaleRatio.resize(n);
        meanRatio.resize(n);
        for (int i = 0; i < n; ++i) {
            const double a = 0.2 + i * 0.001;  // numpy's arange: start + i * step
            const double g1 = std::tgamma(1.0 / a);
            const double g2 = std::tgamma(2.0 / a);
            const double g3 = std::tgamma(3.0 / a);
            const auto k = static_cast<std::size_t>(i);
            alpha[k] = a;
            r[k] = g2 * g2 / (g1 * g3);
            scaleRatio[k] = std::sqrt(g1 / g3);
            meanRatio[k] = g2 / g1;
            if (i > 0 && !(r[k] > r[k - 1])) increasing = false;
        }
    }

    // numpy.argmin((r - x)^2): the first index of the smallest squared distance; 0 when x is not
    // finite (every entry is NaN or infinite, and argmin then answers the first).
    std::size_t nearest(double x) const {
        if (!std::isfinite(x)) return 0;
        auto sq = [&](std::size_t i) { return (r[i] - x) * (r[i] - x); };
        if (!increasing) {
            std::size_t best = 0;
            for (std::size_t i = 1; i < r.size(); ++i)
                if (sq(i) < sq(best)) best = i;
            return best;
        }
        const auto it = std::lower_bound(r.begin(), r.end(), x);
        std::size_t hi = static_cast<std::size_t>(it - r.begin());
        if (hi >= r.size()) return r.size() - 1;
        if (hi == 0) return 0;
        const std::size_t lo = hi - 1;
        return sq(lo) <= sq(hi) ? lo : hi;
    }
};

const ShapeGrid& shapeGrid() {
    static const ShapeGrid grid;
    return grid;
}

struct Aggd {
    double alpha = 0.0;
    double betaL = 0.0;
    double betaR = 0.0;
    double meanRatio = 0.0;  // G(2/alpha) / G(1/alpha)
};

// estimate_aggd_param: zeros count in neither side; an empty side gives a NaN scale.
Aggd fitAggd(const std::vector<double>& v) {
    double negSq = 0.0, posSq = 0.0, absSum = 0.0, sq = 0.0;
    std::size_t negN = 0, posN = 0;
    for (const double x : v) {
        const double x2 = x * x;
        if (x < 0.0) {
            negSq += x2;
            ++negN;
        } else if (x > 0.0) {
            posSq += x2;
            ++posN;
        }
        absSum += std::abs(x);
        sq += x2;
    }
    const double n = static_cast<double>(v.size());
    const double leftStd = negN > 0 ? std::sqrt(negSq / static_cast<double>(negN)) : kNaN;
    const double rightStd = posN > 0 ? std::sqrt(posSq / static_cast<double>(posN)) : kNaN;
    const double gammaHat = leftStd / rightStd;
    const double meanAbs = absSum / n;
    const double rHat = sq > 0.0 ? meanAbs * meanAbs / (sq / n) : kNaN;
    const double g2 = gammaHat * gammaHat;
    const double rHatNorm = rHat * (g2 * gammaHat + 1.0) * (gammaHat + 1.0) / ((g2 + 1.0) * (g2 + 1.0));
    const ShapeGrid& grid = shapeGrid();
    const std::size_t i = grid.nearest(rHatNorm);
    Aggd out;
    out.alpha = grid.alpha[i];
    out.betaL = leftStd * grid.scaleRatio[i];
    out.betaR = rightStd * grid.scaleRatio[i];
    out.meanRatio = grid.meanRatio[i];
    return out;
}

// The 7x7 window is a normalised outer product g g'; its 1D factor from the stored window.
std::array<double, niqe_model::kWindowSide> windowFactor() {
    using niqe_model::kGaussianWindow;
    using niqe_model::kWindowSide;
    constexpr int c = kWindowSide / 2;
    const double centre = std::sqrt(kGaussianWindow[static_cast<std::size_t>(c * kWindowSide + c)]);
    std::array<double, kWindowSide> g{};
    for (int i = 0; i < kWindowSide; ++i)
        g[static_cast<std::size_t>(i)] = kGaussianWindow[static_cast<std::size_t>(c * kWindowSide + i)] / centre;
    return g;
}

cv::Mat toEightBit(const cv::Mat& image) {
    if (image.empty()) throw Error("niqe: the image is empty.");
    if (image.channels() != 1 && image.channels() != 3)
        throw Error("niqe: the image must have 1 (gray) or 3 (BGR) channels, not " +
                    std::to_string(image.channels()) + ".");
    if (image.depth() == CV_8U) return image;
    if (image.depth() == CV_16U) {
        cv::Mat out;
        image.convertTo(out, CV_8U, 1.0 / 257.0);
        return out;
    }
    throw Error("niqe: the image must be 8-bit or 16-bit.");
}

}  // namespace

bool niqeSizeOk(int width, int height) {
    if (width < kNiqeBlock || height < kNiqeBlock) return false;
    return static_cast<long long>(width / kNiqeBlock) * (height / kNiqeBlock) >= 2;
}

namespace niqe_detail {

cv::Mat lumaY(const cv::Mat& image) {
    // to_y_channel + bgr2ycbcr(y_only): float32 B, G, R in [0, 1] (v / 255 in float32), a float64
    // dot product with (24.966, 128.553, 65.481) plus 16, / 255 to float32, * 255 in float32, then
    // rounded half to even. The products per 8-bit value are tabulated (the same doubles).
    struct Products {
        std::array<double, 256> b{}, g{}, r{};
        Products() {
            for (int v = 0; v < 256; ++v) {
                const double unit = static_cast<double>(static_cast<float>(v) / 255.0f);
                b[static_cast<std::size_t>(v)] = unit * 24.966;
                g[static_cast<std::size_t>(v)] = unit * 128.553;
                r[static_cast<std::size_t>(v)] = unit * 65.481;
            }
        }
    };
    static const Products lut;
    const cv::Mat img = toEightBit(image);
    cv::Mat y(img.size(), CV_32F);
    for (int r = 0; r < img.rows; ++r) {
        float* dst = y.ptr<float>(r);
        if (img.channels() == 1) {
            const auto* src = img.ptr<unsigned char>(r);
            for (int c = 0; c < img.cols; ++c)
                dst[c] = std::nearbyint(static_cast<float>(src[c]) / 255.0f * 255.0f);
            continue;
        }
        const auto* src = img.ptr<cv::Vec3b>(r);
        for (int c = 0; c < img.cols; ++c) {
            const double d = lut.b[src[c][0]] + lut.g[src[c][1]] + lut.r[src[c][2]] + 16.0;
            const float unit = static_cast<float>(d / 255.0);
            dst[c] = std::nearbyint(unit * 255.0f);
        }
    }
    return y;
}

// BasicSR: mu = convolve(y, w, mode='nearest') and convolve(y**2, ...) (float32 in, computed in
// double, stored as float32, as scipy does), sigma = sqrt(|E[y^2] - mu^2|) and (y - mu) / (sigma + 1)
// in float32. The window is separable: a vertical then a horizontal 7-tap pass per output row, in
// double, with the edge samples repeated.
cv::Mat mscn(const cv::Mat& y) {
    CV_Assert(y.type() == CV_32FC1);
    static const std::array<double, niqe_model::kWindowSide> g = windowFactor();
    constexpr int half = niqe_model::kWindowSide / 2;
    const int rows = y.rows;
    const int cols = y.cols;
    cv::Mat out(y.size(), CV_32F);
    // Vertical sums of y and y^2 with `half` repeated edge samples on both sides.
    std::vector<double> v1(static_cast<std::size_t>(cols + 2 * half));
    std::vector<double> v2(v1.size());
    for (int r = 0; r < rows; ++r) {
        const float* src[niqe_model::kWindowSide];
        for (int k = 0; k < niqe_model::kWindowSide; ++k)
            src[k] = y.ptr<float>(std::clamp(r + k - half, 0, rows - 1));
        for (int c = 0; c < cols; ++c) {
            double a = 0.0, b = 0.0;
            for (int k = 0; k < niqe_model::kWindowSide; ++k) {
                const float v = src[k][c];
                a += g[static_cast<std::size_t>(k)] * static_cast<double>(v);
                b += g[static_cast<std::size_t>(k)] * static_cast<double>(v * v);  // y**2 in float32
            }
            v1[static_cast<std::size_t>(c + half)] = a;
            v2[static_cast<std::size_t>(c + half)] = b;
        }
        for (int k = 0; k < half; ++k) {
            v1[static_cast<std::size_t>(k)] = v1[static_cast<std::size_t>(half)];
            v2[static_cast<std::size_t>(k)] = v2[static_cast<std::size_t>(half)];
            v1[static_cast<std::size_t>(cols + half + k)] = v1[static_cast<std::size_t>(cols + half - 1)];
            v2[static_cast<std::size_t>(cols + half + k)] = v2[static_cast<std::size_t>(cols + half - 1)];
        }
        const float* yi = y.ptr<float>(r);
        float* o = out.ptr<float>(r);
        for (int c = 0; c < cols; ++c) {
            double a = 0.0, b = 0.0;
            for (int k = 0; k < niqe_model::kWindowSide; ++k) {
                a += g[static_cast<std::size_t>(k)] * v1[static_cast<std::size_t>(c + k)];
                b += g[static_cast<std::size_t>(k)] * v2[static_cast<std::size_t>(c + k)];
            }
            const auto mu = static_cast<float>(a);
            const auto s2 = static_cast<float>(b);
            const float sigma = std::sqrt(std::abs(s2 - mu * mu));
            o[c] = (yi[c] - mu) / (sigma + 1.0f);
        }
    }
    return out;
}

cv::Mat blockFeatures(const cv::Mat& plane, int side) {
    CV_Assert(plane.type() == CV_32FC1 && side > 1);
    const int blocksH = plane.rows / side;
    const int blocksW = plane.cols / side;
    cv::Mat feats(blocksH * blocksW, kPerScale, CV_64F);
    const auto n = static_cast<std::size_t>(side) * static_cast<std::size_t>(side);
    std::vector<double> block(n), prod(n);
    // np.roll shifts (rows, cols): the product with the sample `shift` away, wrapping in the block.
    constexpr std::array<std::array<int, 2>, 4> kShifts = {{{0, 1}, {1, 0}, {1, 1}, {1, -1}}};
    // Column of the neighbour for a column shift of 0, +1 (the sample on the left) and -1 (right).
    std::vector<int> same(static_cast<std::size_t>(side)), left(same.size()), right(same.size());
    for (int j = 0; j < side; ++j) {
        same[static_cast<std::size_t>(j)] = j;
        left[static_cast<std::size_t>(j)] = (j - 1 + side) % side;
        right[static_cast<std::size_t>(j)] = (j + 1) % side;
    }
    int row = 0;
    for (int bw = 0; bw < blocksW; ++bw) {
        for (int bh = 0; bh < blocksH; ++bh, ++row) {
            for (int i = 0; i < side; ++i) {
                const float* src = plane.ptr<float>(bh * side + i) + bw * side;
                for (int j = 0; j < side; ++j)
                    block[static_cast<std::size_t>(i * side + j)] = static_cast<double>(src[j]);
            }
            double* f = feats.ptr<double>(row);
            const Aggd a = fitAggd(block);
            f[0] = a.alpha;
            f[1] = (a.betaL + a.betaR) / 2.0;
            for (std::size_t s = 0; s < kShifts.size(); ++s) {
                const int s0 = kShifts[s][0];
                const std::vector<int>& cj = kShifts[s][1] == 0 ? same : kShifts[s][1] > 0 ? left : right;
                for (int i = 0; i < side; ++i) {
                    const int si = (i - s0 + side) % side;
                    const double* here = &block[static_cast<std::size_t>(i * side)];
                    const double* there = &block[static_cast<std::size_t>(si * side)];
                    double* out = &prod[static_cast<std::size_t>(i * side)];
                    for (int j = 0; j < side; ++j) out[j] = here[j] * there[cj[static_cast<std::size_t>(j)]];
                }
                const Aggd p = fitAggd(prod);
                double* o = f + 2 + 4 * s;
                o[0] = p.alpha;
                o[1] = (p.betaR - p.betaL) * p.meanRatio;
                o[2] = p.betaL;
                o[3] = p.betaR;
            }
        }
    }
    return feats;
}

}  // namespace niqe_detail

double niqe(const cv::Mat& image) {
    if (image.empty()) throw Error("niqe: the image is empty.");
    if (!niqeSizeOk(image.cols, image.rows))
        throw Error("niqe: the image is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) +
                    ", NIQE needs at least two 96x96 blocks (e.g. 192x96).");
    const cv::Mat yFull = niqe_detail::lumaY(image);
    const int h = (yFull.rows / kNiqeBlock) * kNiqeBlock;
    const int w = (yFull.cols / kNiqeBlock) * kNiqeBlock;
    const cv::Mat y1 = yFull(cv::Rect(0, 0, w, h));

    const cv::Mat f1 = niqe_detail::blockFeatures(niqe_detail::mscn(y1), kNiqeBlock);
    cv::Mat y64, half64, y2;
    y1.convertTo(y64, CV_64F);
    half64 = matlabImresize(y64, 0.5);
    half64.convertTo(y2, CV_32F);
    const cv::Mat f2 = niqe_detail::blockFeatures(niqe_detail::mscn(y2), kNiqeBlock / 2);
    CV_Assert(f1.rows == f2.rows);
    cv::Mat feats;
    cv::hconcat(f1, f2, feats);

    constexpr int nf = niqe_model::kFeatures;
    // np.nanmean over blocks, and the rows with no NaN for np.cov.
    std::array<double, nf> mean{};
    std::array<int, nf> count{};
    std::vector<int> complete;
    for (int r = 0; r < feats.rows; ++r) {
        const double* f = feats.ptr<double>(r);
        bool all = true;
        for (int k = 0; k < nf; ++k) {
            if (std::isnan(f[k])) {
                all = false;
                continue;
            }
            mean[static_cast<std::size_t>(k)] += f[k];
            ++count[static_cast<std::size_t>(k)];
        }
        if (all) complete.push_back(r);
    }
    if (complete.size() < 2) return kNaN;
    for (int k = 0; k < nf; ++k) mean[static_cast<std::size_t>(k)] /= static_cast<double>(count[static_cast<std::size_t>(k)]);

    std::array<double, nf> cmean{};
    for (const int r : complete)
        for (int k = 0; k < nf; ++k) cmean[static_cast<std::size_t>(k)] += feats.at<double>(r, k);
    for (auto& v : cmean) v /= static_cast<double>(complete.size());
    cv::Mat cov(nf, nf, CV_64F, cv::Scalar(0.0));
    for (const int r : complete) {
        const double* f = feats.ptr<double>(r);
        for (int i = 0; i < nf; ++i) {
            const double di = f[i] - cmean[static_cast<std::size_t>(i)];
            double* c = cov.ptr<double>(i);
            for (int j = 0; j < nf; ++j) c[j] += di * (f[j] - cmean[static_cast<std::size_t>(j)]);
        }
    }
    cov /= static_cast<double>(complete.size() - 1);

    cv::Mat m(nf, nf, CV_64F);
    for (int i = 0; i < nf; ++i)
        for (int j = 0; j < nf; ++j)
            m.at<double>(i, j) =
                (niqe_model::kPristineCovariance[static_cast<std::size_t>(i * nf + j)] + cov.at<double>(i, j)) / 2.0;

    // numpy.linalg.pinv: singular values below 1e-15 * the largest are dropped.
    cv::Mat s, u, vt;
    cv::SVD::compute(m, s, u, vt, cv::SVD::FULL_UV);
    double smax = 0.0;
    cv::minMaxLoc(s, nullptr, &smax);
    const double cutoff = 1e-15 * smax;
    cv::Mat d(nf, 1, CV_64F);
    for (int k = 0; k < nf; ++k)
        d.at<double>(k) = niqe_model::kPristineMean[static_cast<std::size_t>(k)] - mean[static_cast<std::size_t>(k)];
    // d' pinv(m) d = sum_k (u_k' d)(v_k' d) / s_k over the kept singular values.
    const cv::Mat ud = u.t() * d;
    const cv::Mat vd = vt * d;
    double q = 0.0;
    for (int k = 0; k < nf; ++k) {
        const double sk = s.at<double>(k);
        if (sk > cutoff) q += ud.at<double>(k) * vd.at<double>(k) / sk;
    }
    return std::sqrt(q);
}

}  // namespace sem::metrics

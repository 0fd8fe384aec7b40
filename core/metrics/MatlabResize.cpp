#include "core/metrics/MatlabResize.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sem::metrics {
namespace {

// Keys' cubic convolution kernel with a = -0.5 (MATLAB's 'bicubic').
double cubic(double x) {
    const double a = std::abs(x);
    const double a2 = a * a;
    const double a3 = a2 * a;
    if (a <= 1.0) return 1.5 * a3 - 2.5 * a2 + 1.0;
    if (a <= 2.0) return -0.5 * a3 + 2.5 * a2 - 4.0 * a + 2.0;
    return 0.0;
}

// For every output sample: the first input index (0-based, may be outside [0, inLength)) and
// `taps` weights.
struct Contributions {
    int taps = 0;
    std::vector<int> first;
    std::vector<double> weights;  // outLength x taps, row-major
};

Contributions contributions(int inLength, int outLength, double scale) {
    const bool antialias = scale < 1.0;
    const double kernelWidth = antialias ? 4.0 / scale : 4.0;
    const int p = static_cast<int>(std::ceil(kernelWidth)) + 2;
    std::vector<double> left(static_cast<std::size_t>(outLength));
    std::vector<double> w(static_cast<std::size_t>(outLength) * static_cast<std::size_t>(p));
    for (int i = 0; i < outLength; ++i) {
        const double x = i + 1.0;                        // 1-based output coordinate
        const double u = x / scale + 0.5 * (1.0 - 1.0 / scale);
        const double l = std::floor(u - kernelWidth / 2.0);
        left[static_cast<std::size_t>(i)] = l;
        double* row = &w[static_cast<std::size_t>(i) * static_cast<std::size_t>(p)];
        double sum = 0.0;
        for (int k = 0; k < p; ++k) {
            const double d = u - (l + k);
            row[k] = antialias ? scale * cubic(d * scale) : cubic(d);
            sum += row[k];
        }
        for (int k = 0; k < p; ++k) row[k] /= sum;
    }
    // Drop the first / last tap when its weight is exactly zero for at least one output sample.
    bool dropFirst = false;
    bool dropLast = false;
    for (int i = 0; i < outLength; ++i) {
        const double* row = &w[static_cast<std::size_t>(i) * static_cast<std::size_t>(p)];
        dropFirst = dropFirst || row[0] == 0.0;
        dropLast = dropLast || row[p - 1] == 0.0;
    }
    const int begin = dropFirst ? 1 : 0;
    const int taps = p - begin - (dropLast ? 1 : 0);
    Contributions c;
    c.taps = taps;
    c.first.resize(static_cast<std::size_t>(outLength));
    c.weights.resize(static_cast<std::size_t>(outLength) * static_cast<std::size_t>(taps));
    for (int i = 0; i < outLength; ++i) {
        // 1-based input index of tap k is left + begin + k; 0-based is one less.
        c.first[static_cast<std::size_t>(i)] = static_cast<int>(left[static_cast<std::size_t>(i)]) + begin - 1;
        for (int k = 0; k < taps; ++k)
            c.weights[static_cast<std::size_t>(i) * static_cast<std::size_t>(taps) + static_cast<std::size_t>(k)] =
                w[static_cast<std::size_t>(i) * static_cast<std::size_t>(p) + static_cast<std::size_t>(begin + k)];
    }
    (void)inLength;
    return c;
}

// Mirror an index into [0, n) with the edge sample repeated (symmetric padding).
int mirror(int i, int n) {
    const int period = 2 * n;
    i %= period;
    if (i < 0) i += period;
    return i < n ? i : period - 1 - i;
}

}  // namespace

cv::Mat matlabImresize(const cv::Mat& src, double scale) {
    if (src.empty() || src.type() != CV_64FC1)
        throw Error("imresize: the input must be a non-empty single-channel double image.");
    if (!(scale > 0.0 && scale <= 16.0))
        throw Error("imresize: the scale must be in (0, 16].");
    const int inH = src.rows;
    const int inW = src.cols;
    const int outH = static_cast<int>(std::ceil(inH * scale));
    const int outW = static_cast<int>(std::ceil(inW * scale));
    if (outH < 1 || outW < 1)
        throw Error("imresize: the output would be empty.");

    const Contributions ch = contributions(inH, outH, scale);
    const Contributions cw = contributions(inW, outW, scale);

    // Rows: out1 is outH x inW.
    cv::Mat out1(outH, inW, CV_64F, cv::Scalar(0.0));
    for (int i = 0; i < outH; ++i) {
        double* dst = out1.ptr<double>(i);
        for (int k = 0; k < ch.taps; ++k) {
            const double wk = ch.weights[static_cast<std::size_t>(i) * static_cast<std::size_t>(ch.taps) + static_cast<std::size_t>(k)];
            const double* s = src.ptr<double>(mirror(ch.first[static_cast<std::size_t>(i)] + k, inH));
            for (int c = 0; c < inW; ++c) dst[c] += wk * s[c];
        }
    }
    // Columns.
    cv::Mat out(outH, outW, CV_64F);
    std::vector<int> idx(static_cast<std::size_t>(outW) * static_cast<std::size_t>(cw.taps));
    for (int j = 0; j < outW; ++j)
        for (int k = 0; k < cw.taps; ++k)
            idx[static_cast<std::size_t>(j) * static_cast<std::size_t>(cw.taps) + static_cast<std::size_t>(k)] =
                mirror(cw.first[static_cast<std::size_t>(j)] + k, inW);
    for (int r = 0; r < outH; ++r) {
        const double* s = out1.ptr<double>(r);
        double* dst = out.ptr<double>(r);
        for (int j = 0; j < outW; ++j) {
            const std::size_t base = static_cast<std::size_t>(j) * static_cast<std::size_t>(cw.taps);
            double acc = 0.0;
            for (int k = 0; k < cw.taps; ++k) acc += cw.weights[base + static_cast<std::size_t>(k)] * s[idx[base + static_cast<std::size_t>(k)]];
            dst[j] = acc;
        }
    }
    return out;
}

}  // namespace sem::metrics

#include "core/hint/PlanarThumbnailCodec.h"

#include "core/common/Error.h"
#include "core/hint/RangeCoder.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string>

namespace sem {

namespace {

constexpr int kClasses = 3;
constexpr int kMaxPrefix = 12;

// The adaptive models: [plane type: luma, chroma][neighbour class].
struct Models {
    BitModel zero[2][kClasses];
    BitModel sign[2][kClasses];
    BitModel prefix[2][kClasses][kMaxPrefix];
};

int medPredict(const cv::Mat& q, int x, int y, int start)
{
    const int a = x > 0 ? q.at<int>(y, x - 1) : (y > 0 ? q.at<int>(y - 1, x) : start);
    const int b = y > 0 ? q.at<int>(y - 1, x) : a;
    const int c = (x > 0 && y > 0) ? q.at<int>(y - 1, x - 1) : a;
    if (c >= std::max(a, b))
        return std::min(a, b);
    if (c <= std::min(a, b))
        return std::max(a, b);
    return a + b - c;
}

int neighbourClass(const cv::Mat& res, int x, int y)
{
    const int act = (x > 0 ? std::abs(res.at<int>(y, x - 1)) : 0) + (y > 0 ? std::abs(res.at<int>(y - 1, x)) : 0);
    return act == 0 ? 0 : (act <= 2 ? 1 : 2);
}

// Levels are centred on 128 (neutral chroma is then exact): sample = 128 + level * step.
int minLevel(int step)
{
    return -((128 + step / 2) / step);
}

int maxLevel(int step)
{
    return (127 + step / 2) / step;
}

int quantise(int v, int step)
{
    const int d = v - 128;
    const int level = d >= 0 ? (d + step / 2) / step : -((-d + (step - 1) / 2) / step);
    return std::clamp(level, minLevel(step), maxLevel(step));
}

cv::Size chromaSize(cv::Size s)
{
    return {(s.width + 1) / 2, (s.height + 1) / 2};
}

void encodeResidual(RangeEncoder& rc, Models& m, int t, int cls, int r)
{
    rc.encode(m.zero[t][cls], r != 0);
    if (r == 0)
        return;
    rc.encode(m.sign[t][cls], r < 0);
    const unsigned v = static_cast<unsigned>(std::abs(r));  // >= 1; Exp-Golomb of v - 1
    int k = 0;
    while ((v >> (k + 1)) != 0)
        ++k;
    for (int i = 0; i < k; ++i)
        rc.encode(m.prefix[t][cls][std::min(i, kMaxPrefix - 1)], 1);
    rc.encode(m.prefix[t][cls][std::min(k, kMaxPrefix - 1)], 0);
    for (int i = k - 1; i >= 0; --i) {
        BitModel half;
        rc.encode(half, static_cast<int>((v >> i) & 1u));
    }
}

int decodeResidual(RangeDecoder& rc, Models& m, int t, int cls)
{
    if (!rc.decode(m.zero[t][cls]))
        return 0;
    const bool negative = rc.decode(m.sign[t][cls]) != 0;
    int k = 0;
    while (rc.decode(m.prefix[t][cls][std::min(k, kMaxPrefix - 1)])) {
        if (++k > 8)
            throw Error("hint stream: corrupt thumbnail data (residual too large).");
    }
    unsigned v = 1;
    for (int i = 0; i < k; ++i) {
        BitModel half;
        v = (v << 1) | static_cast<unsigned>(rc.decode(half));
    }
    const int r = static_cast<int>(v);
    return negative ? -r : r;
}

}  // namespace

int PlanarThumbnailCodec::chromaStep(int step)
{
    return std::max(1, step / 2);
}

std::vector<std::uint8_t> PlanarThumbnailCodec::encode(const cv::Mat& thumb, int step)
{
    if (thumb.empty() || thumb.type() != CV_8UC3 || step < 1 || step > kMaxStep)
        throw Error("hint: invalid thumbnail or quantiser step.");
    cv::Mat ycc;
    cv::cvtColor(thumb, ycc, cv::COLOR_BGR2YCrCb);
    std::array<cv::Mat, 3> planes;
    cv::split(ycc, planes.data());
    for (int c = 1; c < 3; ++c)
        cv::resize(planes[static_cast<std::size_t>(c)], planes[static_cast<std::size_t>(c)], chromaSize(thumb.size()), 0,
                   0, cv::INTER_AREA);
    RangeEncoder rc;
    Models models;
    for (std::size_t c = 0; c < 3; ++c) {
        const int t = c == 0 ? 0 : 1;
        const int s = c == 0 ? step : chromaStep(step);
        const cv::Mat& p = planes[c];
        cv::Mat q(p.size(), CV_32S), res(p.size(), CV_32S);
        for (int y = 0; y < p.rows; ++y)
            for (int x = 0; x < p.cols; ++x) {
                const int v = quantise(p.at<std::uint8_t>(y, x), s);
                q.at<int>(y, x) = v;
                const int r = v - medPredict(q, x, y, 0);
                encodeResidual(rc, models, t, neighbourClass(res, x, y), r);
                res.at<int>(y, x) = r;
            }
    }
    return rc.finish();
}

cv::Mat PlanarThumbnailCodec::decode(const std::uint8_t* data, std::size_t size, cv::Size thumbSize, int step)
{
    if (step < 1 || step > kMaxStep)
        throw Error("hint stream: quantiser step " + std::to_string(step) + " is outside 1.."
                    + std::to_string(kMaxStep) + ".");
    RangeDecoder rc(data, size);
    Models models;
    std::array<cv::Mat, 3> planes;
    for (std::size_t c = 0; c < 3; ++c) {
        const int t = c == 0 ? 0 : 1;
        const int s = c == 0 ? step : chromaStep(step);
        const cv::Size ps = c == 0 ? thumbSize : chromaSize(thumbSize);
        cv::Mat q(ps, CV_32S), res(ps, CV_32S);
        for (int y = 0; y < ps.height; ++y)
            for (int x = 0; x < ps.width; ++x) {
                const int r = decodeResidual(rc, models, t, neighbourClass(res, x, y));
                const int v = medPredict(q, x, y, 0) + r;
                if (v < minLevel(s) || v > maxLevel(s))
                    throw Error("hint stream: corrupt thumbnail data (sample out of range).");
                q.at<int>(y, x) = v;
                res.at<int>(y, x) = r;
            }
        cv::Mat p8;
        q.convertTo(p8, CV_8U, s, 128);  // saturates to 0..255
        if (c > 0)
            cv::resize(p8, p8, thumbSize, 0, 0, cv::INTER_LINEAR);
        planes[c] = p8;
    }
    cv::Mat ycc, bgr;
    cv::merge(planes.data(), 3, ycc);
    cv::cvtColor(ycc, bgr, cv::COLOR_YCrCb2BGR);
    return bgr;
}

}  // namespace sem

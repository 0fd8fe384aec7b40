#include "cli/bench/HintBench.h"

#include "core/common/Error.h"
#include "core/hint/HintCodec.h"

#include <brotli/encode.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <webp/decode.h>
#include <webp/encode.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <ostream>
#include <string>

namespace sem::bench {

namespace {

using Bytes = std::vector<std::uint8_t>;

// PSNR over all channels of two 8-bit images of the same size (local helper: the bench must
// not depend on core/metrics).
double psnr(const cv::Mat& a, const cv::Mat& b)
{
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    diff.convertTo(diff, CV_64F);
    const cv::Scalar s = cv::sum(diff.mul(diff));
    const double mse = (s[0] + s[1] + s[2] + s[3]) / static_cast<double>(a.total() * static_cast<std::size_t>(a.channels()));
    return mse <= 1e-12 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// A coded thumbnail: its size in bytes and what the decoder gets back.
struct Coded {
    std::size_t bytes;
    cv::Mat thumb;
};

Coded webpRiff(const cv::Mat& t, int q)
{
    std::uint8_t* out = nullptr;
    const std::size_t n = WebPEncodeBGR(t.data, t.cols, t.rows, static_cast<int>(t.step), static_cast<float>(q), &out);
    if (n == 0)
        throw Error("WebPEncodeBGR failed.");
    cv::Mat dec(t.rows, t.cols, CV_8UC3);
    const bool ok = WebPDecodeBGRInto(out, n, dec.data, dec.step * static_cast<std::size_t>(dec.rows), static_cast<int>(dec.step));
    WebPFree(out);
    if (!ok)
        throw Error("WebPDecodeBGRInto failed.");
    return {n, dec};
}

Coded shipped(const cv::Mat& t, int factor, int q, int codec, int w, int h)
{
    const Bytes b = HintCodec::encodeThumbnail(t, factor, q, codec);
    return {b.size(), HintCodec::decodeThumbnail(b.data(), b.size(), w, h)};
}

Coded jpeg(const cv::Mat& t, int q)
{
    Bytes b;
    cv::imencode(".jpg", t, b, {cv::IMWRITE_JPEG_QUALITY, q});
    return {b.size(), cv::imdecode(b, cv::IMREAD_COLOR)};
}

std::size_t brotliSize(const Bytes& s)
{
    Bytes out(BrotliEncoderMaxCompressedSize(s.size()) + 16);
    std::size_t n = out.size();
    if (!BrotliEncoderCompress(11, 10, BROTLI_MODE_GENERIC, s.size(), s.data(), &n, out.data()))
        throw Error("brotli failed.");
    return n;
}

std::size_t deflateSize(const Bytes& s)
{
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    Bytes out(deflateBound(&z, static_cast<uLong>(s.size())) + 16);
    z.next_in = const_cast<Bytef*>(s.data());
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    const std::size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

// The simple custom scheme: YCrCb with 2x-subsampled chroma, uniform quantiser `step`, MED
// (LOCO-I) prediction on the quantised values, zigzag residuals as varints, then the smaller
// of raw deflate and brotli, plus one header byte.
Coded custom(const cv::Mat& t, int step)
{
    cv::Mat ycc;
    cv::cvtColor(t, ycc, cv::COLOR_BGR2YCrCb);
    std::vector<cv::Mat> planes;
    cv::split(ycc, planes);
    const cv::Size chromaSize((t.cols + 1) / 2, (t.rows + 1) / 2);
    for (int c = 1; c < 3; ++c)
        cv::resize(planes[static_cast<std::size_t>(c)], planes[static_cast<std::size_t>(c)], chromaSize, 0, 0, cv::INTER_AREA);
    Bytes stream;
    std::vector<cv::Mat> rec(3);
    for (std::size_t c = 0; c < 3; ++c) {
        const cv::Mat& p = planes[c];
        cv::Mat q(p.size(), CV_32S);
        for (int y = 0; y < p.rows; ++y)
            for (int x = 0; x < p.cols; ++x) {
                const int v = static_cast<int>(std::lround(p.at<std::uint8_t>(y, x) / static_cast<double>(step)));
                q.at<int>(y, x) = v;
                const int a = x > 0 ? q.at<int>(y, x - 1) : (y > 0 ? q.at<int>(y - 1, x) : 128 / step);
                const int b = y > 0 ? q.at<int>(y - 1, x) : a;
                const int d = (x > 0 && y > 0) ? q.at<int>(y - 1, x - 1) : a;
                const int pred = d >= std::max(a, b) ? std::min(a, b) : d <= std::min(a, b) ? std::max(a, b) : a + b - d;
                const int r = v - pred;
                std::uint32_t z = r >= 0 ? static_cast<std::uint32_t>(2 * r) : static_cast<std::uint32_t>(-2 * r - 1);
                while (z >= 0x80) {
                    stream.push_back(static_cast<std::uint8_t>((z & 0x7f) | 0x80));
                    z >>= 7;
                }
                stream.push_back(static_cast<std::uint8_t>(z));
            }
        cv::Mat r8;
        q.convertTo(r8, CV_8U, step);
        if (c > 0)
            cv::resize(r8, r8, t.size(), 0, 0, cv::INTER_LINEAR);
        rec[c] = r8;
    }
    cv::Mat merged, bgr;
    cv::merge(rec, merged);
    cv::cvtColor(merged, bgr, cv::COLOR_YCrCb2BGR);
    return {1 + std::min(deflateSize(stream), brotliSize(stream)), bgr};
}

}  // namespace

int runHintCodecBench(const std::vector<std::string>& imagePaths, std::ostream& out)
{
    try {
        std::vector<cv::Mat> images;
        for (const std::string& p : imagePaths) {
            cv::Mat m = cv::imread(p, cv::IMREAD_COLOR);
            if (m.empty())
                throw Error("cannot read image " + p + ".");
            images.push_back(m);
        }
        if (images.empty())
            throw Error("no image given.");
        struct Config {
            std::string codec;
            int quality;
            std::function<Coded(const cv::Mat&, int factor, int w, int h)> code;
        };
        std::vector<Config> configs;
        configs.push_back({"thumbnail, uncoded (reference)", 0, [](const cv::Mat& t, int, int, int) {
                               return Coded{t.total() * 3, t};
                           }});
        for (int q : {20, 40, 60, 80})
            configs.push_back({"WebP RIFF (WebPEncodeBGR)", q, [q](const cv::Mat& t, int, int, int) { return webpRiff(t, q); }});
        for (int q : {2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90})
            configs.push_back({"VP8 raw (HintCodec)", q, [q](const cv::Mat& t, int f, int w, int h) {
                                   return shipped(t, f, q, HintCodec::kCodecVp8, w, h);
                               }});
        for (int q : {10, 25, 40, 55, 70, 85, 95})
            configs.push_back({"planar (HintCodec)", q, [q](const cv::Mat& t, int f, int w, int h) {
                                   return shipped(t, f, q, HintCodec::kCodecPlanar, w, h);
                               }});
        for (int q : {10, 30, 50, 70, 90})
            configs.push_back({"JPEG (OpenCV)", q, [q](const cv::Mat& t, int, int, int) { return jpeg(t, q); }});
        for (int s : {32, 16, 8, 4})
            configs.push_back({"custom YCC420 MED step", s, [s](const cv::Mat& t, int, int, int) { return custom(t, s); }});

        configs.push_back({"HintCodec::encode default (codec, quality per factor)", -1,
                           [](const cv::Mat& t, int f, int w, int h) {
                               return shipped(t, f, HintCodec::defaultQuality(f), -1, w, h);
                           }});
        out << images.size() << " images.\n\n"
            << "| factor | codec | quality | mean bytes | mean bpp | mean PSNR dB |\n|---:|---|---:|---:|---:|---:|\n";
        for (int factor : {4, 8, 16, 32, 64}) {
            std::vector<cv::Mat> thumbs;
            for (const cv::Mat& m : images)
                thumbs.push_back(HintCodec::makeThumbnail(m, factor));
            for (const Config& c : configs) {
                double bytes = 0, bpp = 0, db = 0;
                for (std::size_t i = 0; i < images.size(); ++i) {
                    const cv::Mat& img = images[i];
                    const Coded coded = c.code(thumbs[i], factor, img.cols, img.rows);
                    cv::Mat up;
                    cv::resize(coded.thumb, up, img.size(), 0, 0, cv::INTER_CUBIC);
                    bytes += static_cast<double>(coded.bytes);
                    bpp += 8.0 * static_cast<double>(coded.bytes) / static_cast<double>(img.total());
                    db += psnr(up, img);
                }
                const double n = static_cast<double>(images.size());
                out << "| " << factor << " | " << c.codec << " | " << c.quality << " | " << std::fixed
                    << std::setprecision(1) << bytes / n << " | " << std::setprecision(4) << bpp / n << " | "
                    << std::setprecision(2) << db / n << " |\n";
            }
        }
        return 0;
    } catch (const std::exception& e) {
        out << "hint bench: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace sem::bench

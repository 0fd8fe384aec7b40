#include "cli/bench/EdgeBench.h"

#include "cli/bench/BenchSupport.h"

extern "C" {
#include <jbig.h>
}

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iomanip>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "core/common/ByteIO.h"
#include "core/common/Error.h"
#include "core/edges/CannyParams.h"
#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/edges/JbigCoder.h"

namespace sem::bench {

namespace {

struct Tally {
    std::string name;
    double bytes = 0;
    double bpp = 0;
    double ratio = 0;
    double ms = 0;
};

std::size_t bilevelPngSize(const cv::Mat& plane)
{
    std::vector<std::uint8_t> png;
    cv::imencode(".png", plane, png, {cv::IMWRITE_PNG_BILEVEL, 1, cv::IMWRITE_PNG_COMPRESSION, 9});
    return png.size();
}

// JBIG-KIT's own defaults (jbg_enc_init + no options): about 35 stripes of at most 128 lines,
// adaptive template mx=8, TPBON; stored as a complete BIE with its 20-byte header.
JbigOptions jbigKitDefaults(int height)
{
    JbigOptions o;
    o.order = JBG_ILEAVE | JBG_SMID;
    o.options = JBG_TPDON | JBG_TPBON | JBG_DPON;
    o.l0 = std::max(2ul, std::min(128ul, static_cast<unsigned long>(height) / 35));
    o.mx = 8;
    return o;
}

// A photo-like synthetic image: smooth background, random shapes and lines, sensor noise.
cv::Mat syntheticPhoto(int width, int height)
{
    cv::Mat img(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y) {
        cv::Vec3b* row = img.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x)
            row[x] = cv::Vec3b(static_cast<std::uint8_t>(60 + 120 * x / width),
                               static_cast<std::uint8_t>(80 + 100 * y / height), 140);
    }
    cv::RNG rng(12345);
    auto colour = [&rng] { return cv::Scalar(rng.uniform(0, 256), rng.uniform(0, 256), rng.uniform(0, 256)); };
    for (int i = 0; i < 150; ++i) {
        const cv::Point c(rng.uniform(0, width), rng.uniform(0, height));
        cv::circle(img, c, rng.uniform(20, 300), colour(), cv::FILLED, cv::LINE_AA);
        const cv::Point a(rng.uniform(0, width), rng.uniform(0, height));
        cv::rectangle(img, a, a + cv::Point(rng.uniform(20, 500), rng.uniform(20, 500)), colour(), cv::FILLED);
        cv::line(img, cv::Point(rng.uniform(0, width), rng.uniform(0, height)),
                 cv::Point(rng.uniform(0, width), rng.uniform(0, height)), colour(), rng.uniform(1, 6), cv::LINE_AA);
    }
    cv::Mat noise(img.size(), CV_16SC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, 6);
    cv::Mat noisy;
    img.convertTo(noisy, CV_16SC3);
    noisy += noise;
    noisy.convertTo(img, CV_8UC3);
    return img;
}

}  // namespace

int runEdgeCodecBench(const std::vector<std::string>& imagePaths, std::ostream& out)
{
    std::vector<cv::Mat> images;
    for (const std::string& path : imagePaths) {
        cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
        if (img.empty())
            out << "warning: cannot read " << path << ", skipped\n";
        else
            images.push_back(img);
    }
    if (images.empty()) {
        out << "error: no readable image\n";
        return 1;
    }
    // Variants that are not codec profiles, sized as the codec would store them (1 header byte,
    // varint length, BIE without BIH and final marker), to show why the profiles are what they are.
    struct Variant {
        std::string name;
        JbigOptions options;
    };
    const std::vector<Variant> variants = {
        {"3-line, no TPB, adaptive template mx=8", {0, 0, 0, 8}},
        {"3-line, no TPB, adaptive template mx=127", {0, 0, 0, 127}},
        {"3-line, no TPB, stripes of 128 lines", {0, 0, 128, 0}},
        {"3-line, no TPB, stripes of 16 lines", {0, 0, 16, 0}},
    };
    out << std::fixed;
    for (const int scale : {1, 4}) {
        std::vector<Tally> rows;
        for (int p = 0; p < EdgeCodec::kProfileCount; ++p)
            rows.push_back({"profile " + std::to_string(p) + ": " + EdgeCodec::profileName(p)});
        for (const Variant& v : variants)
            rows.push_back({"(not a profile) " + v.name});
        rows.push_back({"JBIG-KIT defaults, full BIE (35 stripes, mx=8, TPB)"});
        rows.push_back({"best profile per image"});
        rows.push_back({"bilevel PNG (compression 9)"});
        double density = 0;
        for (const cv::Mat& img : images) {
            CannyParams params;
            params.scaleDenominator = scale;
            const EdgeMap map = EdgeExtractor::extract(img, params);
            const double pixels = static_cast<double>(img.cols) * img.rows;
            density += static_cast<double>(map.edgePixels()) / (static_cast<double>(map.width) * map.height);
            const double png = static_cast<double>(bilevelPngSize(map.planes[0]));
            auto add = [&](std::size_t row, double bytes, double ms) {
                Tally& t = rows[row];
                t.bytes += bytes;
                t.bpp += bytes * 8.0 / pixels;
                t.ratio += bytes / png;
                t.ms += ms;
            };
            std::size_t row = 0;
            double best = 1e300;
            double bestMs = 0;
            for (int p = 0; p < EdgeCodec::kProfileCount; ++p) {
                const auto t0 = BenchClock::now();
                const std::vector<std::uint8_t> stream = EdgeCodec::encode(map, p);
                const double ms = msSince(t0);
                const EdgeMap back = EdgeCodec::decode(stream.data(), stream.size(), img.cols, img.rows);
                if (cv::norm(back.planes[0], map.planes[0], cv::NORM_INF) != 0)
                    throw Error("edge bench: profile " + std::to_string(p) + " did not round-trip.");
                add(row++, static_cast<double>(stream.size()), ms);
                best = std::min(best, static_cast<double>(stream.size()));
                bestMs += ms;
            }
            for (const Variant& v : variants) {
                const auto t0 = BenchClock::now();
                const std::size_t bie = JbigCoder::encode(map.planes[0], v.options).size();
                const std::size_t body = bie - JbigCoder::kBihSize - 2;
                add(row++, static_cast<double>(1 + varintSize(body) + body), msSince(t0));
            }
            const auto t0 = BenchClock::now();
            const double kit = static_cast<double>(JbigCoder::encode(map.planes[0], jbigKitDefaults(map.height)).size());
            add(row++, kit, msSince(t0));
            add(row++, best, bestMs);
            add(row, png, 0.0);
        }
        const double n = static_cast<double>(images.size());
        out << "\n### Scale 1/" << scale << " (" << images.size() << " images, default Canny, mean edge density "
            << std::setprecision(2) << 100.0 * density / n << " %)\n\n"
            << "| option set | mean bytes | mean bpp | mean JBIG/PNG | mean encode ms |\n"
            << "|---|---:|---:|---:|---:|\n";
        for (const Tally& t : rows)
            out << "| " << t.name << " | " << std::setprecision(1) << t.bytes / n << " | " << std::setprecision(4)
                << t.bpp / n << " | " << std::setprecision(3) << t.ratio / n << " | " << std::setprecision(2)
                << t.ms / n << " |\n";
    }
    return 0;
}

int runEdgeSpeedBench(const std::string& imagePath, std::ostream& out)
{
    cv::Mat img;
    if (imagePath.empty()) {
        img = syntheticPhoto(4000, 3000);
    } else {
        img = cv::imread(imagePath, cv::IMREAD_COLOR);
        if (img.empty()) {
            out << "error: cannot read " << imagePath << "\n";
            return 1;
        }
    }
    const int runs = 9;
    out << std::fixed << "\nImage: " << (imagePath.empty() ? std::string("synthetic") : imagePath) << ", "
        << img.cols << "x" << img.rows << "; default CannyParams; median (min) of " << runs
        << " runs after one warm-up; OpenCV threads: " << cv::getNumThreads() << "\n\n"
        << "| settings | map | edge px % | stream bytes | bpp | extract ms | encode ms | extract+encode ms | decode ms |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    struct Setting {
        std::string label;
        CannyParams params;
    };
    std::vector<Setting> settings;
    for (const int scale : {1, 2, 4, 8}) {
        CannyParams p;
        p.scaleDenominator = scale;
        settings.push_back({"1/" + std::to_string(scale), p});
    }
    {
        CannyParams p;
        p.minLength = 10;
        settings.push_back({"1/4, minLength 10", p});
        p.minLength = 0;
        p.autoThresholds = true;
        settings.push_back({"1/4, auto thresholds", p});
        p.autoThresholds = false;
        p.perChannel = true;
        settings.push_back({"1/4, per channel", p});
    }
    for (const Setting& setting : settings) {
        const CannyParams& params = setting.params;
        std::vector<double> ext, enc, both, dec;
        EdgeMap map;
        std::vector<std::uint8_t> stream;
        for (int i = 0; i <= runs; ++i) {
            const auto t0 = BenchClock::now();
            map = EdgeExtractor::extract(img, params);
            const double te = msSince(t0);
            const auto t1 = BenchClock::now();
            stream = EdgeCodec::encode(map);
            const double tc = msSince(t1);
            const auto t2 = BenchClock::now();
            const EdgeMap back = EdgeCodec::decode(stream.data(), stream.size(), img.cols, img.rows);
            const double td = msSince(t2);
            if (i == 0)
                continue;  // warm-up
            ext.push_back(te);
            enc.push_back(tc);
            both.push_back(te + tc);
            dec.push_back(td);
        }
        auto cell = [](const std::vector<double>& v) {
            std::ostringstream s;
            s << std::fixed << std::setprecision(1) << median(v) << " (" << *std::min_element(v.begin(), v.end())
              << ")";
            return s.str();
        };
        out << "| " << setting.label << " | " << map.width << "x" << map.height << " | " << std::setprecision(2)
            << 100.0 * static_cast<double>(map.edgePixels()) / (static_cast<double>(map.width) * map.height) << " | "
            << stream.size() << " | " << std::setprecision(4)
            << static_cast<double>(stream.size()) * 8.0 / (static_cast<double>(img.cols) * img.rows) << " | "
            << cell(ext) << " | " << cell(enc) << " | " << cell(both) << " | " << cell(dec) << " |\n";
    }
    return 0;
}

}  // namespace sem::bench

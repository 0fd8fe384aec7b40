#include "core/baselines/Baselines.h"

#include "core/baselines/AvifCodec.h"
#include "core/common/ByteIO.h"
#include "core/common/Error.h"
#include "core/metrics/Metrics.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace sem {
namespace {

constexpr int kMaxSide = 16384;
constexpr int kMinDownscaledSide = 8;
// Settings tried above the search's answer, as sizes are not quite monotone in JPEG/WebP/AVIF
// quality. Not for jp2: OpenJPEG's rate control follows the requested ratio (1/1000 steps).
int probesAbove(BaselineCodec codec) {
    return codec == BaselineCodec::Jp2 ? 0 : 2;
}

void checkImage(const cv::Mat& bgr) {
    if (bgr.empty()) throw Error("baselines: the image is empty.");
    if (bgr.type() != CV_8UC3) throw Error("baselines: the image must be 8-bit, 3-channel (BGR).");
    if (bgr.cols > kMaxSide || bgr.rows > kMaxSide)
        throw Error("baselines: image sides must be at most 16384 pixels.");
}

void checkSetting(BaselineCodec codec, int quality, int downscale, const cv::Mat& bgr) {
    if (quality < Baselines::minQuality(codec) || quality > Baselines::maxQuality(codec))
        throw Error("baselines: " + Baselines::name(codec) + " quality must be " +
                    std::to_string(Baselines::minQuality(codec)) + ".." +
                    std::to_string(Baselines::maxQuality(codec)) + ", got " + std::to_string(quality) + ".");
    if (downscale < 1 || downscale > std::min(bgr.cols, bgr.rows))
        throw Error("baselines: downscale factor " + std::to_string(downscale) + " is out of range for a " +
                    std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) + " image.");
}

// The setting the codec really uses; several AVIF qualities share one quantizer.
int effectiveSetting(BaselineCodec codec, int quality) {
    return codec == BaselineCodec::Avif ? AvifCodec::quantizerForQuality(quality) : quality;
}

cv::Mat downscaled(const cv::Mat& bgr, int factor) {
    if (factor == 1) return bgr;
    const cv::Size size(std::max(1, static_cast<int>(std::lround(bgr.cols / static_cast<double>(factor)))),
                        std::max(1, static_cast<int>(std::lround(bgr.rows / static_cast<double>(factor)))));
    cv::Mat small;
    cv::resize(bgr, small, size, 0, 0, cv::INTER_AREA);
    return small;
}

Bytes encodeImage(const cv::Mat& img, BaselineCodec codec, int quality) {
    if (codec == BaselineCodec::Avif) return AvifCodec::encode(img, quality);
    const char* ext = ".jpg";
    std::vector<int> params;
    switch (codec) {
    case BaselineCodec::Jpeg:
        params = {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1};
        break;
    case BaselineCodec::Webp:
    case BaselineCodec::WebpDownscale:
        ext = ".webp";
        params = {cv::IMWRITE_WEBP_QUALITY, quality};
        break;
    case BaselineCodec::Jp2:
        // OpenJPEG's default 6 resolution levels need at least 32 pixels per side.
        if (img.cols < 32 || img.rows < 32)
            throw Error("baselines: jp2 needs image sides of at least 32 pixels.");
        ext = ".jp2";
        params = {cv::IMWRITE_JPEG2000_COMPRESSION_X1000, quality};
        break;
    case BaselineCodec::Avif:
        break;
    }
    Bytes out;
    bool ok = false;
    try {
        ok = cv::imencode(ext, img, out, params);
    } catch (const cv::Exception& e) {
        throw Error("baselines: " + Baselines::name(codec) + " encoding failed (" + e.msg + ").");
    }
    if (!ok || out.empty()) throw Error("baselines: " + Baselines::name(codec) + " encoding failed.");
    return out;
}

cv::Mat decodeImage(const Bytes& data, BaselineCodec codec, cv::Size expected) {
    cv::Mat img;
    if (codec == BaselineCodec::Avif) {
        img = AvifCodec::decode(data);
    } else {
        try {
            img = cv::imdecode(data, cv::IMREAD_COLOR);
        } catch (const cv::Exception& e) {
            throw Error("baselines: " + Baselines::name(codec) + " decoding failed (" + e.msg + ").");
        }
    }
    if (img.empty() || img.type() != CV_8UC3 || img.size() != expected)
        throw Error("baselines: " + Baselines::name(codec) + " decoded to an unexpected image.");
    return img;
}

// Thrown inside a search when its stop check says so; atTargetBpps() turns it into fewer results.
struct SearchStopped {};

// All encodes of one image with one codec, cached so that several targets share them.
class TargetSearch {
public:
    TargetSearch(const cv::Mat& bgr, BaselineCodec codec, const Baselines::StopCheck& stop)
        : src_(bgr), codec_(codec), stop_(stop) {}

    BaselineResult at(double target) {
        if (!(target > 0.0) || !std::isfinite(target))
            throw Error("baselines: the target bpp must be a positive number.");
        if (codec_ != BaselineCodec::WebpDownscale) {
            const std::optional<int> q = bestQuality(1, target);
            return q ? finish(1, *q, true) : finish(1, Baselines::minQuality(codec_), false);
        }
        return downscaleSearch(target);
    }

private:
    BaselineResult downscaleSearch(double target) {
        const int maxQ = Baselines::maxQuality(codec_);
        bool found = false;
        int bestF = 1, bestQ = 0;
        double bestPsnr = -1.0;
        int smallestF = 1;
        std::size_t smallestBytes = 0;
        int worseInARow = 0;
        for (const int f : Baselines::downscaleFactors(src_.cols, src_.rows)) {
            const std::optional<int> q = bestQuality(f, target);
            if (!q) {
                const std::size_t size = bytesAt(f, Baselines::minQuality(codec_)).size();
                if (smallestBytes == 0 || size < smallestBytes) {
                    smallestBytes = size;
                    smallestF = f;
                }
                continue;
            }
            const double p = psnrAt(f, *q);
            if (!found || p > bestPsnr) {
                found = true;
                bestPsnr = p;
                bestF = f;
                bestQ = *q;
                worseInARow = 0;
            } else if (++worseInARow == 2) {
                break;  // PSNR over the factor is unimodal in practice: past the peak
            }
            // Fitting at the best quality already: larger factors only lose detail.
            if (*q == maxQ) break;
        }
        if (found) return finish(bestF, bestQ, true);
        return finish(smallestF, Baselines::minQuality(codec_), false);
    }

    bool fitsSize(std::size_t bytes, double target) const {
        return metrics::bpp(bytes, src_.cols, src_.rows) <= target;
    }

    bool fits(int f, int q, double target) { return fitsSize(bytesAt(f, q).size(), target); }

    // Largest quality at factor f whose file fits, or nullopt if even the lowest does not.
    // Keeps a bracket (lo fits, hi does not; minQ-1 and maxQ+1 stand for "nothing coded yet"),
    // seeded from settings already coded for earlier targets. With nothing known it starts at a
    // guess (the middle, or for jp2 the ratio that gives the target), so the most expensive
    // settings are rarely coded; when that guess is too big, the lowest setting is coded next;
    // for jp2, when it fits, the next one is extrapolated from it.
    // A real bracket is narrowed by interpolating the file size
    // (linear for jp2, whose setting is a compression ratio, taking 0 bytes below its range;
    // log for the others), with bisection whenever an interpolation step fails to halve it.
    // Then probes probesAbove() settings above the answer.
    std::optional<int> bestQuality(int f, double target) {
        const int minQ = Baselines::minQuality(codec_), maxQ = Baselines::maxQuality(codec_);
        int lo = minQ - 1, hi = maxQ + 1;
        for (const auto& [key, size] : sizes_)
            if (key.first == f && fitsSize(size, target)) lo = std::max(lo, key.second);
        for (const auto& [key, size] : sizes_)
            if (key.first == f && key.second > lo && !fitsSize(size, target)) hi = std::min(hi, key.second);

        const double targetBytes = target * src_.cols * src_.rows / 8.0;
        const bool linear = codec_ == BaselineCodec::Jp2;
        auto scale = [linear](double bytes) { return linear ? bytes : std::log(std::max(bytes, 1.0)); };
        bool bisect = false;
        while (hi - lo > 1) {
            const int width = hi - lo;
            const bool loKnown = lo >= minQ, hiKnown = hi <= maxQ;
            int mid = lo + width / 2;
            if (!loKnown && !hiKnown) {
                if (linear) mid = static_cast<int>(std::lround(targetBytes * 1000.0 / (3.0 * src_.total())));
            } else if (!loKnown && !linear) {
                mid = minQ;  // the cheapest file: gives a real bracket to interpolate in
            } else if (!hiKnown && linear) {
                // Extrapolate the ratio-to-size line, aiming 5% high so that hi is found quickly.
                const double size = static_cast<double>(bytesAt(f, lo).size());
                mid = static_cast<int>(std::ceil(lo * targetBytes / size * 1.05)) + 1;
            } else if (hiKnown && !bisect && (loKnown || linear)) {
                const double a = loKnown ? scale(static_cast<double>(bytesAt(f, lo).size())) : 0.0;
                const double b = scale(static_cast<double>(bytesAt(f, hi).size()));
                if (b > a) mid = lo + static_cast<int>(std::lround((scale(targetBytes) - a) / (b - a) * width));
            }
            mid = std::clamp(mid, lo + 1, hi - 1);
            (fits(f, mid, target) ? lo : hi) = mid;
            bisect = hiKnown && !bisect && (hi - lo) * 2 > width;
        }
        if (lo < minQ) return std::nullopt;
        int best = lo;
        for (int q = hi + 1; q <= std::min(maxQ, hi + probesAbove(codec_)); ++q)
            if (fits(f, q, target)) best = q;
        // For AVIF, report the highest quality that maps to the chosen quantizer.
        while (best < maxQ && effectiveSetting(codec_, best + 1) == effectiveSetting(codec_, best)) ++best;
        return best;
    }

    const cv::Mat& small(int f) {
        auto it = small_.find(f);
        if (it == small_.end()) it = small_.emplace(f, downscaled(src_, f)).first;
        return it->second;
    }

    const Bytes& bytesAt(int f, int q) {
        const std::pair<int, int> key(f, effectiveSetting(codec_, q));
        auto it = bytes_.find(key);
        if (it == bytes_.end()) {
            if (stop_ && stop_()) throw SearchStopped{};
            it = bytes_.emplace(key, encodeImage(small(f), codec_, q)).first;
        }
        sizes_[{f, q}] = it->second.size();
        return it->second;
    }

    cv::Mat decodedAt(int f, int q) {
        const cv::Mat& s = small(f);
        cv::Mat img = decodeImage(bytesAt(f, q), codec_, s.size());
        if (f != 1) {
            cv::Mat up;
            cv::resize(img, up, src_.size(), 0, 0, cv::INTER_CUBIC);
            img = up;
        }
        return img;
    }

    double psnrAt(int f, int q) {
        const std::pair<int, int> key(f, effectiveSetting(codec_, q));
        auto it = psnr_.find(key);
        if (it == psnr_.end()) it = psnr_.emplace(key, metrics::psnr(src_, decodedAt(f, q))).first;
        return it->second;
    }

    BaselineResult finish(int f, int q, bool reached) {
        BaselineResult r;
        r.codec = codec_;
        r.reached = reached;
        r.quality = q;
        r.downscale = f;
        r.bytes = bytesAt(f, q).size();
        r.bpp = metrics::bpp(r.bytes, src_.cols, src_.rows);
        r.decoded = decodedAt(f, q);
        return r;
    }

    const cv::Mat& src_;
    BaselineCodec codec_;
    const Baselines::StopCheck& stop_;
    std::map<int, cv::Mat> small_;
    std::map<std::pair<int, int>, Bytes> bytes_;         // (factor, effective setting) -> file
    std::map<std::pair<int, int>, std::size_t> sizes_;   // (factor, quality) -> file size
    std::map<std::pair<int, int>, double> psnr_;
};

}  // namespace

std::vector<BaselineCodec> Baselines::all() {
    return {BaselineCodec::Jpeg, BaselineCodec::Webp, BaselineCodec::Jp2, BaselineCodec::Avif,
            BaselineCodec::WebpDownscale};
}

std::string Baselines::name(BaselineCodec codec) {
    switch (codec) {
    case BaselineCodec::Jpeg: return "jpeg";
    case BaselineCodec::Webp: return "webp";
    case BaselineCodec::Jp2: return "jp2";
    case BaselineCodec::Avif: return "avif";
    case BaselineCodec::WebpDownscale: return "webp-downscale";
    }
    return "unknown";
}

std::optional<BaselineCodec> Baselines::parse(const std::string& text) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const BaselineCodec c : all())
        if (name(c) == lower) return c;
    return std::nullopt;
}

bool Baselines::isAvailable(BaselineCodec codec) {
    if (codec == BaselineCodec::Avif && !AvifCodec::available()) return false;
    // OpenCV can only tell whether a writer exists; a tiny round trip checks both directions.
    try {
        const cv::Mat probe(32, 32, CV_8UC3, cv::Scalar(40, 120, 200));
        const int quality = codec == BaselineCodec::Jp2 ? 1000 : 90;
        return !encodeDecode(probe, codec, quality).decoded.empty();
    } catch (const Error&) {
        return false;
    }
}

int Baselines::minQuality(BaselineCodec) {
    return 1;
}

int Baselines::maxQuality(BaselineCodec codec) {
    return codec == BaselineCodec::Jp2 ? 1000 : 100;
}

std::vector<int> Baselines::downscaleFactors(int width, int height) {
    const int side = std::min(width, height);
    std::vector<int> factors;
    for (int base = 1; base <= side; base *= 2) {
        for (const int f : {base, base * 3 / 2}) {
            if (f < 1 || (!factors.empty() && f <= factors.back())) continue;
            if (f == 1 || side / f >= kMinDownscaledSide) factors.push_back(f);
        }
    }
    return factors;
}

BaselineResult Baselines::encodeDecode(const cv::Mat& bgr, BaselineCodec codec, int quality, int downscale) {
    checkImage(bgr);
    checkSetting(codec, quality, downscale, bgr);
    const cv::Mat small = downscaled(bgr, downscale);
    const Bytes data = encodeImage(small, codec, quality);
    cv::Mat img = decodeImage(data, codec, small.size());
    if (downscale != 1) {
        cv::Mat up;
        cv::resize(img, up, bgr.size(), 0, 0, cv::INTER_CUBIC);
        img = up;
    }
    BaselineResult r;
    r.codec = codec;
    r.reached = true;
    r.quality = quality;
    r.downscale = downscale;
    r.bytes = data.size();
    r.bpp = metrics::bpp(r.bytes, bgr.cols, bgr.rows);
    r.decoded = img;
    return r;
}

BaselineResult Baselines::atTargetBpp(const cv::Mat& bgr, BaselineCodec codec, double targetBpp) {
    return atTargetBpps(bgr, codec, {targetBpp}).front();
}

std::vector<BaselineResult> Baselines::atTargetBpps(const cv::Mat& bgr, BaselineCodec codec,
                                                    const std::vector<double>& targetsBpp,
                                                    const StopCheck& stop) {
    checkImage(bgr);
    TargetSearch search(bgr, codec, stop);
    std::vector<BaselineResult> results;
    results.reserve(targetsBpp.size());
    try {
        for (const double t : targetsBpp) {
            if (stop && stop()) break;
            results.push_back(search.at(t));
        }
    } catch (const SearchStopped&) {
        // the target being searched is dropped; the finished ones are returned
    }
    return results;
}

}  // namespace sem

#include "training/data/BatchSource.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "core/common/Error.h"
#include "core/edges/EdgeExtractor.h"
#include "core/hint/HintCodec.h"

namespace sem::training {

BatchSource::BatchSource(std::vector<const ShardRecord*> records, const BatchOptions& options)
    : records_(std::move(records)), options_(options), rng_(options.seed)
{
    if (records_.empty())
        throw Error("batch source: there are no training images.");
    if (options_.batch < 1 || options_.batch > 1024)
        throw Error("batch source: the batch size must lie in 1..1024.");
    if (options_.crop < 32 || options_.crop > 1024 || options_.crop % 32 != 0)
        throw Error("batch source: the crop size must be a multiple of 32 in 32..1024.");
    auto checkWeights = [](const auto& weights, const char* what) {
        double sum = 0;
        for (const double w : weights) {
            if (!(w >= 0.0) || !std::isfinite(w))
                throw Error(std::string("batch source: the ") + what + " weights must be finite and non-negative.");
            sum += w;
        }
        if (!(sum > 0.0))
            throw Error(std::string("batch source: at least one ") + what + " weight must be positive.");
    };
    checkWeights(options_.scaleWeights, "edge-scale");
    checkWeights(options_.hintWeights, "hint-factor");
    if (!(options_.hintQualityMix >= 0.0 && options_.hintQualityMix <= 1.0))
        throw Error("batch source: the hint-quality mix must lie in 0..1.");
    if (!(options_.cannyLowMax >= kCannyLowMin && options_.cannyLowMax <= 255.0))
        throw Error("batch source: the largest Canny low threshold must lie in 40..255.");
}

TrainingBatch BatchSource::next()
{
    const int crop = options_.crop;
    TrainingBatch b;
    b.size = options_.batch;
    b.width = b.height = crop;
    const std::size_t pixels = b.pixels();
    b.images.resize(pixels * 3 * static_cast<std::size_t>(b.size));
    b.edges.assign(pixels * static_cast<std::size_t>(b.size), 0.0f);
    b.hints.assign(pixels * 3 * static_cast<std::size_t>(b.size), 0);
    b.hasHint.assign(static_cast<std::size_t>(b.size), 0);
    b.scaleIndex.assign(static_cast<std::size_t>(b.size), 4);
    b.captions.assign(static_cast<std::size_t>(b.size), std::string());

    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::discrete_distribution<int> scalePick(options_.scaleWeights.begin(), options_.scaleWeights.end());
    std::discrete_distribution<int> hintPick(options_.hintWeights.begin(), options_.hintWeights.end());
    std::uniform_int_distribution<std::size_t> recordPick(0, records_.size() - 1);

    for (int s = 0; s < b.size; ++s) {
        const auto si = static_cast<std::size_t>(s);
        cv::Mat image;
        const ShardRecord* rec = nullptr;
        for (int attempt = 0; attempt < 8 && image.empty(); ++attempt) {
            rec = records_[recordPick(rng_)];
            image = cv::imdecode(rec->jpeg, cv::IMREAD_COLOR);
        }
        if (image.empty())
            throw Error("batch source: the stored image '" + rec->name + "' cannot be decoded.");
        // Random rescale in [0.75, 1] of the stored size (scale augmentation), never below the crop.
        const double minScale = static_cast<double>(crop) / std::min(image.cols, image.rows);
        double scale = 0.75 + 0.25 * unit(rng_);
        scale = std::max(scale, minScale);
        if (std::abs(scale - 1.0) > 1e-6)
            cv::resize(image, image,
                       cv::Size(std::max(crop, static_cast<int>(std::ceil(image.cols * scale))),
                                std::max(crop, static_cast<int>(std::ceil(image.rows * scale)))),
                       0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_CUBIC);
        std::uniform_int_distribution<int> xPick(0, image.cols - crop), yPick(0, image.rows - crop);
        cv::Mat patch = image(cv::Rect(xPick(rng_), yPick(rng_), crop, crop)).clone();
        if (unit(rng_) < 0.5)
            cv::flip(patch, patch, 1);

        // Edges: random parameters within the app's ranges.
        if (unit(rng_) >= options_.edgeDropout) {
            CannyParams p;
            p.scaleDenominator = kScales[scalePick(rng_)];
            p.blurSigma = 0.5 + 1.5 * unit(rng_);
            if (unit(rng_) < 0.5) {
                p.autoThresholds = true;
                p.autoSigma = 0.2 + 0.4 * unit(rng_);
            } else {
                p.low = kCannyLowMin + (options_.cannyLowMax - kCannyLowMin) * unit(rng_);
                p.high = p.low * (1.5 + 1.5 * unit(rng_));
            }
            const EdgeMap map = EdgeExtractor::extract(patch, p);
            cv::Mat plane;
            map.combined().convertTo(plane, CV_32F, 1.0 / 255.0);
            cv::Mat up;
            cv::resize(plane, up, cv::Size(crop, crop), 0, 0, cv::INTER_LINEAR);
            std::copy(up.ptr<float>(0), up.ptr<float>(0) + pixels, b.edges.begin() + static_cast<std::ptrdiff_t>(si * pixels));
            b.scaleIndex[si] = p.scaleDenominator == 1 ? 0 : p.scaleDenominator == 2 ? 1 : p.scaleDenominator == 4 ? 2 : 3;
        }

        // Hint through the real codec.
        if (unit(rng_) >= options_.hintDropout) {
            HintParams hp;
            hp.factor = kHintFactors[hintPick(rng_)];
            if (options_.hintQualityMix > 0.0 && unit(rng_) < options_.hintQualityMix) {
                const double lo = std::log(kHintQualityRange[0]), hi = std::log(kHintQualityRange[1]);
                hp.quality = std::clamp(static_cast<int>(std::lround(std::exp(lo + (hi - lo) * unit(rng_)))),
                                        kHintQualityRange[0], kHintQualityRange[1]);
            }
            const std::vector<std::uint8_t> payload = HintCodec::encode(patch, hp);
            cv::Mat hint = HintCodec::decodeUpsampled(payload.data(), payload.size(), crop, crop);
            cv::cvtColor(hint, hint, cv::COLOR_BGR2RGB);
            std::copy(hint.data, hint.data + pixels * 3, b.hints.begin() + static_cast<std::ptrdiff_t>(si * pixels * 3));
            b.hasHint[si] = 1;
        }

        if (!rec->captions.empty() && unit(rng_) >= options_.captionDropout) {
            std::uniform_int_distribution<std::size_t> capPick(0, rec->captions.size() - 1);
            b.captions[si] = rec->captions[capPick(rng_)];
        }

        cv::Mat rgb;
        cv::cvtColor(patch, rgb, cv::COLOR_BGR2RGB);
        std::copy(rgb.data, rgb.data + pixels * 3, b.images.begin() + static_cast<std::ptrdiff_t>(si * pixels * 3));
        ++drawn_;
    }
    return b;
}

std::vector<TrainingBatch> BatchSource::validationBatches(std::vector<const ShardRecord*> records, int crop)
{
    BatchOptions o;
    o.crop = crop;
    o.captionDropout = o.hintDropout = o.edgeDropout = 0.0;
    o.seed = 777;
    o.batch = 8;
    BatchSource source(std::move(records), o);
    std::vector<TrainingBatch> batches;
    for (int i = 0; i < 4; ++i)
        batches.push_back(source.next());
    return batches;
}

}  // namespace sem::training

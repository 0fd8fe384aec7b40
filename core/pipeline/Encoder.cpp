#include "core/pipeline/Encoder.h"

#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/text/TextCodec.h"
#include "semversion.h"

namespace sem {

std::string Encoder::metadataJson(const EncodeOptions& o, double low, double high)
{
    // Only what differs from the defaults is stored: every byte of metadata is paid for.
    const CannyParams c = o.canny;
    const CannyParams d;
    nlohmann::json canny = nlohmann::json::object();
    if (c.autoThresholds)
        canny["auto"] = c.autoSigma;
    else {
        if (low != d.low)
            canny["low"] = low;
        if (high != d.high)
            canny["high"] = high;
    }
    if (c.blurSigma != d.blurSigma)
        canny["blur"] = c.blurSigma;
    if (c.aperture != d.aperture)
        canny["aperture"] = c.aperture;
    if (c.l2Gradient != d.l2Gradient)
        canny["l2"] = c.l2Gradient;
    if (c.scaleDenominator != d.scaleDenominator)
        canny["scale"] = c.scaleDenominator;
    if (c.minLength != d.minLength)
        canny["min_length"] = c.minLength;
    if (c.perChannel)
        canny["rgb"] = true;
    nlohmann::json j = {{"enc", std::string("semc ") + version::kVersion}};
    if (!canny.empty())
        j["canny"] = canny;
    if (o.hint.factor > 0 && o.hint.quality >= 0)
        j["hint_quality"] = o.hint.quality;
    return j.dump();
}

void Encoder::validate(const cv::Mat& bgr, const EncodeOptions& options)
{
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw Error("encode: expected an 8-bit colour image");
    options.canny.validate();
    options.hint.validate();
}

EncodeResult Encoder::encode(const cv::Mat& bgr, const EncodeOptions& options)
{
    validate(bgr, options);
    EdgeMap edges = EdgeExtractor::extract(bgr, options.canny);
    std::vector<std::uint8_t> edgeStream = EdgeCodec::encode(edges);
    return assemble(bgr.size(), options, std::move(edges), std::move(edgeStream), HintCodec::encode(bgr, options.hint));
}

EncodeResult Encoder::assemble(cv::Size size, const EncodeOptions& options, EdgeMap edges,
                               std::vector<std::uint8_t> edgeStream, std::vector<std::uint8_t> hintStream)
{
    EncodeResult result;
    result.edges = std::move(edges);
    result.thresholdLow = options.canny.low;
    result.thresholdHigh = options.canny.high;

    SemFile& f = result.file;
    f.width = size.width;
    f.height = size.height;
    f.modelId = options.modelId;
    f.decode = options.decode;
    f.edges = std::move(edgeStream);
    if (!options.caption.empty())
        f.caption = TextCodec::encode(options.caption);
    if (options.hint.factor > 0)
        f.hint = std::move(hintStream);
    if (options.writeMetadata)
        f.setMetadataJson(metadataJson(options, result.thresholdLow, result.thresholdHigh));
    return result;
}

}  // namespace sem

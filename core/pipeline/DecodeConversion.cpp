#include "core/pipeline/DecodeConversion.h"

#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"

namespace sem::decodeconversion {
namespace {

diffusion::SamplerKind toKind(DecodeSettings::Sampler s)
{
    switch (s) {
    case DecodeSettings::Ddpm: return diffusion::SamplerKind::Ddpm;
    case DecodeSettings::Ddim: return diffusion::SamplerKind::Ddim;
    case DecodeSettings::DpmPp2M: return diffusion::SamplerKind::DpmPp2M;
    case DecodeSettings::Euler: return diffusion::SamplerKind::Euler;
    case DecodeSettings::EulerAncestral: return diffusion::SamplerKind::EulerAncestral;
    }
    return diffusion::SamplerKind::DpmPp2M;
}

}  // namespace

cv::Mat toBgr(const diffusion::ImageRgb& img)
{
    cv::Mat rgb(img.height, img.width, CV_8UC3, const_cast<std::uint8_t*>(img.rgb.data()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

diffusion::ImageRgb toRgb(const cv::Mat& bgr)
{
    diffusion::ImageRgb out;
    out.width = bgr.cols;
    out.height = bgr.rows;
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    out.rgb.assign(rgb.data, rgb.data + rgb.total() * 3);
    return out;
}

diffusion::Conditions conditions(const DecodedStreams& streams, int width, int height)
{
    diffusion::Conditions c;
    c.width = width;
    c.height = height;
    if (!streams.edges.empty()) {
        const cv::Mat map = streams.edges.combined();
        c.mapWidth = map.cols;
        c.mapHeight = map.rows;
        c.scaleDenominator = streams.edges.scaleDenominator;
        c.edges.assign(map.data, map.data + map.total());
    }
    if (!streams.hintUpsampled.empty())
        c.hint = toRgb(streams.hintUpsampled);
    c.caption = streams.caption;
    return c;
}

diffusion::SamplerSettings samplerSettings(const DecodeSettings& s, const DecodeRequest& request)
{
    diffusion::SamplerSettings ss;
    ss.sampler = toKind(s.sampler);
    ss.steps = static_cast<int>(s.steps);
    ss.eta = static_cast<float>(s.etaHundredths) / 100.0f;
    ss.guidance = static_cast<float>(s.guidanceTenths) / 10.0f;
    ss.seed = s.seed;
    ss.fidelity = s.fidelity;
    ss.strength = static_cast<float>(s.strengthPercent) / 100.0f;
    ss.sd.controlScale = static_cast<float>(s.controlScaleHundredths) / 100.0f;
    ss.sd.workSize = static_cast<int>(s.workSize);
    ss.sd.colourFix = s.colourFix;
    ss.sd.karras = s.karras;
    ss.sd.negativePrompt = request.negativePrompt;
    ss.sd.initialLatents = request.initialLatents;
    return ss;
}

void addControlImage(diffusion::Conditions& c, const DecodeRequest& request)
{
    if (request.controlImage.empty())
        return;
    const int channels = request.controlImage.channels();
    if (request.controlImage.depth() != CV_8U || (channels != 1 && channels != 3 && channels != 4))
        throw Error("decode: the control image must be an 8-bit gray, RGB or RGBA image");
    cv::Mat rgb;
    cv::cvtColor(request.controlImage, rgb,
                 channels == 1 ? cv::COLOR_GRAY2RGB : channels == 3 ? cv::COLOR_BGR2RGB : cv::COLOR_BGRA2RGB);
    c.controlImage = diffusion::ImageRgb{rgb.cols, rgb.rows, std::vector<std::uint8_t>(rgb.data, rgb.data + rgb.total() * 3)};
}

diffusion::PreviewCallback previewCallback(const DecodeProgressFn& progress)
{
    if (!progress)
        return {};
    return [&progress](const diffusion::Progress& p, const diffusion::ImageRgb* x0) {
        DecodeProgress d;
        d.step = p.step;
        d.total = p.total;
        d.elapsedSeconds = p.elapsedSeconds;
        if (x0)
            d.preview = toBgr(*x0);
        progress(d);
    };
}

}  // namespace sem::decodeconversion

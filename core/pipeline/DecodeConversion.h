#pragma once
// Internal to core/pipeline: the decoded streams and settings of a .sem as the diffusion engine's
// plain-C++ types (Decoder and its batch decodes).
#include <opencv2/core/mat.hpp>

#include "core/format/SemFile.h"
#include "core/pipeline/Decoder.h"
#include "diffusion/DecodeTypes.h"

namespace sem::decodeconversion {

cv::Mat toBgr(const diffusion::ImageRgb& image);
diffusion::ImageRgb toRgb(const cv::Mat& bgr);
// Edges, hint and caption of the streams as the engine's conditions at width x height.
diffusion::Conditions conditions(const DecodedStreams& streams, int width, int height);
// The engine's sampler settings for resolved settings `s` and the request's unrecorded options
// (negative prompt, latents). Throws sem::Error on a bad control image.
diffusion::SamplerSettings samplerSettings(const DecodeSettings& s, const DecodeRequest& request);
// The request's control image (generate --control-image) as RGB, or none.
void addControlImage(diffusion::Conditions& c, const DecodeRequest& request);
// The engine's step callback that reports to `progress` (previews converted to BGR); empty when
// `progress` is.
diffusion::PreviewCallback previewCallback(const DecodeProgressFn& progress);

}  // namespace sem::decodeconversion

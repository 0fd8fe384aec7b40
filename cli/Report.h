#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <cstdint>
#include <string>

#include "core/format/SemFile.h"

namespace sem::cli {

// How a .sem file is reported by `encode` and `info`, as text or JSON (keys: bytes, bpp, width,
// height, chunks{container, edges, caption, hint, metadata, other}).
class Report {
public:
    static nlohmann::json semJson(const SemFile& file);
    static void printSem(const SemFile& file, std::ostream& out);
    static std::string samplerName(DecodeSettings::Sampler s);
    // The decode settings as JSON, only those the decode uses: fidelity and seed always; a sampled
    // decode adds sampler, steps, guidance, strength (Stable Diffusion: with a hint only) and eta
    // (ddim only); Stable Diffusion adds family, control_scale, work_size, colour_fix (with a hint)
    // and karras (dpmpp2m and euler). `hasHint`: whether the decoded file has a colour hint.
    static nlohmann::json decodeSettingsJson(const DecodeSettings& s, bool hasHint = true);
    // Formats a PSNR that may be infinite ("inf" in text, null in JSON is avoided: a large number).
    static std::string fixed(double v, int decimals);
    static std::string modelIdHex(std::uint32_t id);
};

}  // namespace sem::cli

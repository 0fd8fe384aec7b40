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
    // The decode settings as JSON: sampler, fidelity, steps, guidance, eta, seed, strength.
    static nlohmann::json decodeSettingsJson(const DecodeSettings& s);
    // Formats a PSNR that may be infinite ("inf" in text, null in JSON is avoided: a large number).
    static std::string fixed(double v, int decimals);
    static std::string modelIdHex(std::uint32_t id);
};

}  // namespace sem::cli

#include "cli/Report.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace sem::cli {

std::string Report::samplerName(DecodeSettings::Sampler s)
{
    switch (s) {
    case DecodeSettings::Ddpm: return "ddpm";
    case DecodeSettings::Ddim: return "ddim";
    case DecodeSettings::DpmPp2M: return "dpmpp2m";
    case DecodeSettings::Euler: return "euler";
    case DecodeSettings::EulerAncestral: return "euler_a";
    }
    return "unknown";
}

std::string Report::modelIdHex(std::uint32_t id)
{
    std::ostringstream s;
    s << std::hex << std::setw(8) << std::setfill('0') << id;
    return s.str();
}

std::string Report::fixed(double v, int decimals)
{
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    return s.str();
}

nlohmann::json Report::semJson(const SemFile& f)
{
    const SemBreakdown b = f.breakdown();
    const double pixels = static_cast<double>(f.width) * f.height;
    auto chunk = [&](std::size_t bytes) { return nlohmann::json{{"bytes", bytes}, {"bpp", bytes * 8.0 / pixels}}; };
    nlohmann::json j = {
        {"width", f.width},
        {"height", f.height},
        {"bytes", b.total},
        {"bpp", b.total * 8.0 / pixels},
        {"model_id", f.modelId ? modelIdHex(f.modelId) : std::string()},
        {"chunks",
         {{"container", chunk(b.container)}, {"edges", chunk(b.edges)}, {"caption", chunk(b.caption)},
          {"hint", chunk(b.hint)}, {"metadata", chunk(b.metadata)}, {"other", chunk(b.other)}}},
    };
    if (f.decode.present)
        j["decode"] = decodeSettingsJson(f.decode, f.hint.has_value());
    return j;
}

nlohmann::json Report::decodeSettingsJson(const DecodeSettings& s, bool hasHint)
{
    const bool sd = s.family == DecodeSettings::StableDiffusion1;
    nlohmann::json j = {{"fidelity", s.fidelity}, {"seed", s.seed}};
    if (sd)
        j["family"] = "sd1";
    if (s.fidelity)  // one unguided x0 prediction from the seed's noise: no sampler, steps, guidance, eta, strength
        return j;
    j["sampler"] = samplerName(s.sampler);
    j["steps"] = s.steps;
    j["guidance"] = s.guidanceTenths / 10.0;
    if (s.sampler == DecodeSettings::Ddim)
        j["eta"] = s.etaHundredths / 100.0;
    if (!sd || hasHint)  // a Stable Diffusion decode without a hint starts from noise
        j["strength"] = s.strengthPercent / 100.0;
    if (sd) {
        j["control_scale"] = s.controlScaleHundredths / 100.0;
        j["work_size"] = s.workSize;
        if (hasHint)
            j["colour_fix"] = s.colourFix;
        if (s.sampler == DecodeSettings::DpmPp2M || s.sampler == DecodeSettings::Euler)
            j["karras"] = s.karras;
    }
    return j;
}

void Report::printSem(const SemFile& f, std::ostream& out)
{
    const SemBreakdown b = f.breakdown();
    const double pixels = static_cast<double>(f.width) * f.height;
    out << "image      " << f.width << "x" << f.height << " (" << static_cast<long long>(pixels) << " pixels)\n";
    out << "total      " << std::setw(7) << b.total << " bytes  " << fixed(b.total * 8.0 / pixels, 5) << " bpp\n";
    auto line = [&](const char* name, std::size_t bytes, bool present) {
        out << "  " << std::left << std::setw(9) << name << std::right << std::setw(7) << bytes << " bytes  "
            << fixed(bytes * 8.0 / pixels, 5) << " bpp" << (present ? "" : "  (absent)") << "\n";
    };
    line("edges", b.edges, f.edges.has_value());
    line("caption", b.caption, f.caption.has_value());
    line("hint", b.hint, f.hint.has_value());
    line("metadata", b.metadata, f.metadata.has_value());
    if (!f.unknownOptional.empty())
        line("other", b.other, true);
    line("container", b.container, true);
    out << "model id   " << (f.modelId ? modelIdHex(f.modelId) : std::string("not recorded")) << "\n";
    if (f.decode.present && f.decode.fidelity)
        out << "decode     fidelity (one step, unguided), seed " << f.decode.seed << "\n";
    else if (f.decode.present)
        out << "decode     " << samplerName(f.decode.sampler) << ", "
            << f.decode.steps << " steps, guidance " << fixed(f.decode.guidanceTenths / 10.0, 1) << ", eta "
            << fixed(f.decode.etaHundredths / 100.0, 2) << ", seed " << f.decode.seed
            << (f.decode.strengthPercent < 100 ? ", strength " + fixed(f.decode.strengthPercent / 100.0, 2) : std::string())
            << (f.decode.family == DecodeSettings::StableDiffusion1
                    ? "; Stable Diffusion 1.x: control scale " + fixed(f.decode.controlScaleHundredths / 100.0, 2)
                          + ", working size " + std::to_string(f.decode.workSize) + ", colour fix "
                          + (f.decode.colourFix ? "on" : "off") + ", Karras " + (f.decode.karras ? "on" : "off")
                    : std::string())
            << "\n";
    else
        out << "decode     decoder defaults\n";
}

}  // namespace sem::cli

// libFuzzer target: the Stable Diffusion family's torch-free readers of untrusted text — the text
// encoder and VAE config.json parsers (ClipTextConfig::fromJson, VaeConfig::fromJson) and the
// single-file checkpoint key map (SingleFileKeys). The first byte picks the reader:
//   'c' text encoder config, 'v' VAE config, anything else: the key map over the '\n'-separated
//   names that follow, with (first byte % 8) + 1 VAE levels.
// diffusion::Error is the documented way to refuse a config; anything else is a finding (another
// exception aborts libFuzzer, UBSan reports abort), and so is an accepted config that is out of its
// limits or does not survive toJson() -> fromJson() unchanged, or a mapped name that is empty.
#include <cstddef>
#include <cstdint>
#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ClipTextConfig.h"
#include "diffusion/sd/SingleFileKeys.h"
#include "diffusion/sd/VaeConfig.h"

namespace sd = sem::diffusion::sd;

namespace {

template <typename Config>
void roundTrip(const std::string& text)
{
    Config config;
    try {
        config = Config::fromJson(text);
    } catch (const sem::diffusion::Error&) {
        return;
    }
    if (config.parameterCount() <= 0 || config.parameterCount() > 4000000000LL)
        __builtin_trap();
    const std::string json = config.toJson();
    try {
        if (Config::fromJson(json).toJson() != json)
            __builtin_trap();
    } catch (const sem::diffusion::Error&) {
        __builtin_trap();  // an accepted config must be written back in a form that is accepted again
    }
}

void keys(const std::string& names, int blocks)
{
    std::string::size_type start = 0;
    while (start <= names.size()) {
        const auto end = names.find('\n', start);
        const std::string name = names.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (const auto clip = sd::clipTextDiffusersName(name); clip && clip->empty())
            __builtin_trap();
        if (const auto vae = sd::vaeDiffusersName(name, blocks)) {
            if (vae->empty())
                __builtin_trap();
            sd::isVaeAttentionProjection(*vae);
        }
        if (sd::vaeCurrentDiffusersName(name).empty() != name.empty())
            __builtin_trap();
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] == 'c')
        roundTrip<sd::ClipTextConfig>(text);
    else if (data[0] == 'v')
        roundTrip<sd::VaeConfig>(text);
    else
        keys(text, data[0] % 8 + 1);
    return 0;
}

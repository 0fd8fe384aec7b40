// libFuzzer target: the Stable Diffusion UNet / ControlNet config.json parser (sd::UNetConfig::fromJson,
// both kinds, then validate). diffusion::Error is the documented way to refuse a configuration; anything
// else is a finding (another exception aborts libFuzzer; UBSan reports abort), and so is an accepted
// configuration that toJson() -> fromJson() does not give back equal.
#include <cstddef>
#include <cstdint>
#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/UNetConfig.h"

using sem::diffusion::sd::UNetConfig;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (const auto kind : {UNetConfig::Kind::UNet, UNetConfig::Kind::ControlNet}) {
        UNetConfig config;
        try {
            config = UNetConfig::fromJson(text, kind, "unet");
        } catch (const sem::diffusion::Error&) {
            continue;
        }
        try {
            if (!(UNetConfig::fromJson(config.toJson(), kind, "unet") == config))
                __builtin_trap();
        } catch (const sem::diffusion::Error&) {
            __builtin_trap();  // an accepted configuration must be written back in a form that is accepted again
        }
    }
    return 0;
}

// libFuzzer target: the Stable Diffusion model set JSON (SdModelParts::parseModelSet: JSON object,
// known keys, string values, the family, the base). diffusion::Error is the documented way to refuse
// a model set; anything else is a finding, and so is an accepted set without a base.
#include <cstddef>
#include <cstdint>
#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/SdModelParts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const auto parts = sem::diffusion::sd::SdModelParts::parseModelSet(
            std::string(reinterpret_cast<const char*>(data), size), "/models");
        if (parts.base.empty())
            __builtin_trap();
    } catch (const sem::diffusion::Error&) {
    }
    return 0;
}

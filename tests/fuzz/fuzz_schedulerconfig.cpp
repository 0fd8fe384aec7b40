// libFuzzer target: a Stable Diffusion model's scheduler/scheduler_config.json
// (sd::SchedulerConfig::fromJson: JSON, the beta schedule, spacing, prediction and the refused
// settings, then validate). diffusion::Error is the documented way to refuse a file; anything else is
// a finding (another exception aborts libFuzzer; UBSan reports abort), and so is an accepted config
// that does not survive toJson() -> fromJson() unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/SchedulerConfig.h"

using sem::diffusion::sd::SchedulerConfig;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    SchedulerConfig config;
    try {
        config = SchedulerConfig::fromJson(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const sem::diffusion::Error&) {
        return 0;
    }
    const std::string text = config.toJson();
    try {
        const SchedulerConfig again = SchedulerConfig::fromJson(text);
        if (again.toJson() != text)
            __builtin_trap();
    } catch (const sem::diffusion::Error&) {
        __builtin_trap();  // an accepted config must be written back in a form that is accepted again
    }
    return 0;
}

// libFuzzer target: the model card beside the decoder weights (ModelCard::fromJson: JSON, the
// architecture, tokenizer vocabulary, schedule and training fields, then ModelConfig::validate).
// diffusion::Error is the documented way to refuse a card; anything else is a finding (another
// exception aborts libFuzzer; UBSan reports, e.g. an out-of-range number converted to int, abort),
// and so is an accepted card that does not survive toJson() -> fromJson() unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/ModelConfig.h"

using sem::diffusion::ModelCard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ModelCard card;
    try {
        card = ModelCard::fromJson(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const sem::diffusion::Error&) {
        return 0;
    }
    const std::string text = card.toJson();
    try {
        const ModelCard again = ModelCard::fromJson(text);
        if (again.toJson() != text)
            __builtin_trap();
    } catch (const sem::diffusion::Error&) {
        __builtin_trap();  // an accepted card must be written back in a form that is accepted again
    }
    return 0;
}

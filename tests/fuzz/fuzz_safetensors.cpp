// libFuzzer target: the safetensors reader of the decoder model (SafeTensors::parse: the 8-byte
// header length, the JSON header with dtypes, shapes and data_offsets, the data region's coverage),
// then every tensor's conversion to float32. diffusion::Error is the documented way to refuse a
// file; anything else is a finding (another exception aborts libFuzzer), and so is an accepted
// file whose entries break the reader's promises: a negative dimension, a shape whose byte size is
// not its span, a span outside the data region, or a conversion that yields the wrong count.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "diffusion/DiffusionError.h"
#include "diffusion/SafeTensors.h"

using sem::diffusion::DType;
using sem::diffusion::SafeTensors;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    SafeTensors st;
    try {
        st = SafeTensors::parse(std::vector<std::uint8_t>(data, data + size));
    } catch (const sem::diffusion::Error&) {
        return 0;
    }
    if (size < 8)
        __builtin_trap();
    const std::uint64_t headerLen = static_cast<std::uint64_t>(data[0]) | (static_cast<std::uint64_t>(data[1]) << 8)
        | (static_cast<std::uint64_t>(data[2]) << 16) | (static_cast<std::uint64_t>(data[3]) << 24)
        | (static_cast<std::uint64_t>(data[4]) << 32) | (static_cast<std::uint64_t>(data[5]) << 40)
        | (static_cast<std::uint64_t>(data[6]) << 48) | (static_cast<std::uint64_t>(data[7]) << 56);
    const std::uint64_t dataSize = size - 8 - headerLen;  // parse() accepted headerLen <= size - 8
    for (const auto& [name, entry] : st.entries()) {
        std::uint64_t count = 1;
        for (const std::int64_t d : entry.shape) {
            if (d < 0)
                __builtin_trap();
            count *= static_cast<std::uint64_t>(d);
        }
        const std::uint64_t width = sem::diffusion::dtypeBytes(entry.dtype);
        if (entry.begin > entry.end || entry.end > dataSize || count * width != entry.end - entry.begin
            || entry.elementCount() < 0 || static_cast<std::uint64_t>(entry.elementCount()) != count)
            __builtin_trap();
        try {
            if (st.toFloat(name).size() != count)
                __builtin_trap();
        } catch (const sem::diffusion::Error&) {
            __builtin_trap();  // every accepted tensor must convert
        }
    }
    (void)st.dataHash();
    return 0;
}

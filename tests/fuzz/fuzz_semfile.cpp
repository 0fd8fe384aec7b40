// libFuzzer target: the .sem container (SemFile::parse), then every stream in it (StreamDecoder::decode:
// edges, caption, hint, metadata). sem::Error is the normal way to refuse bad input; anything else
// (crash, sanitizer report, other exception, timeout, OOM) is a finding.
#include <cstddef>
#include <cstdint>

#include "core/common/Error.h"
#include "core/format/SemFile.h"
#include "core/pipeline/StreamDecoder.h"

namespace {
// The container allows 100 M pixels; decoding streams of such an image takes seconds per input, which
// would stall the fuzzer. Bigger images are parsed (header, chunks, CRC) but their streams not decoded.
constexpr long long kMaxDecodePixels = 1 << 20;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    sem::SemFile file;
    try {
        file = sem::SemFile::parse(data, size);
    } catch (const sem::Error&) {
        return 0;
    }
    // What parses must serialize and parse again to the same streams.
    const std::vector<std::uint8_t> again = file.serialize();
    const sem::SemFile back = sem::SemFile::parse(again);
    if (back.width != file.width || back.height != file.height || back.edges != file.edges
        || back.caption != file.caption || back.hint != file.hint || back.metadata != file.metadata)
        __builtin_trap();
    if (static_cast<long long>(file.width) * file.height > kMaxDecodePixels)
        return 0;
    try {
        const sem::DecodedStreams s = sem::StreamDecoder::decode(file);
        (void)s;
    } catch (const sem::Error&) {
    }
    return 0;
}

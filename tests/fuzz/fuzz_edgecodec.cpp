// libFuzzer target: the edge stream (EdgeCodec::decode) for an image size taken from the input
// (FuzzInput.h). sem::Error is a normal outcome; anything else is a finding.
#include <cstddef>
#include <cstdint>

#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "fuzz/FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    sem::fuzz::SizedInput in;
    if (!sem::fuzz::splitSized(data, size, in))
        return 0;
    try {
        const sem::EdgeMap map = sem::EdgeCodec::decode(in.data, in.size, in.width, in.height);
        // A decoded map must be what the header promised.
        if (map.width != sem::edgeMapSide(in.width, map.scaleDenominator)
            || map.height != sem::edgeMapSide(in.height, map.scaleDenominator) || map.planes.empty())
            __builtin_trap();
        for (const cv::Mat& p : map.planes)
            if (p.cols != map.width || p.rows != map.height || p.type() != CV_8UC1)
                __builtin_trap();
    } catch (const sem::Error&) {
    }
    return 0;
}

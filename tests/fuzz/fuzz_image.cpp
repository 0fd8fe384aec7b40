// libFuzzer target: the image header probe (ImageHeaderProbe::probe) and the loader
// (ImageIO::decode) with tight limits. sem::Error is a normal outcome; anything else is a finding,
// and so is a loaded image over the limits or not CV_8UC3.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/common/Error.h"
#include "core/image/ImageHeader.h"
#include "core/image/ImageIO.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const sem::ImageHeader h = sem::ImageHeaderProbe::probe(data, size);
        (void)h;
    } catch (const sem::Error&) {
    }
    sem::ImageLimits limits;
    limits.maxSide = 1024;
    limits.maxPixels = 1 << 18;
    limits.maxFileBytes = 1 << 20;
    const std::vector<std::uint8_t> bytes(data, data + size);
    try {
        const sem::LoadedImage img = sem::ImageIO::decode(bytes, "fuzz", limits);
        if (img.bgr.type() != CV_8UC3 || img.bgr.cols > limits.maxSide || img.bgr.rows > limits.maxSide
            || static_cast<long long>(img.bgr.cols) * img.bgr.rows > limits.maxPixels)
            __builtin_trap();
    } catch (const sem::Error&) {
    }
    return 0;
}

#include "core/image/ImageHeader.h"

#include <cstring>

#include "core/common/Error.h"

namespace sem {
namespace {

std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t(p[0]) << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
std::uint32_t le16(const std::uint8_t* p) { return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8); }
std::uint32_t le32(const std::uint8_t* p) { return le16(p) | (le16(p + 2) << 16); }
std::uint32_t le24(const std::uint8_t* p) { return le16(p) | (std::uint32_t(p[2]) << 16); }

[[noreturn]] void truncated(const char* format)
{
    throw Error(std::string("image: the ") + format + " header is truncated");
}

ImageHeader probePng(const std::uint8_t* d, std::size_t n)
{
    // signature (8) + IHDR length (4) + "IHDR" (4) + width, height, depth, colour type
    if (n < 26)
        truncated("PNG");
    if (std::memcmp(d + 12, "IHDR", 4) != 0)
        throw Error("image: PNG file does not start with an IHDR chunk");
    ImageHeader h;
    h.format = "png";
    h.width = be32(d + 16);
    h.height = be32(d + 20);
    const std::uint8_t colourType = d[25];
    h.hasAlpha = colourType == 4 || colourType == 6;
    // A tRNS chunk may also carry transparency; it is found by the decoder (4 channels).
    return h;
}

ImageHeader probeJpeg(const std::uint8_t* d, std::size_t n)
{
    std::size_t pos = 2;
    while (pos + 4 <= n) {
        if (d[pos] != 0xFF)
            throw Error("image: JPEG marker structure is corrupt");
        const std::uint8_t marker = d[pos + 1];
        if (marker == 0xFF) {  // fill byte
            ++pos;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            pos += 2;
            continue;
        }
        const std::uint32_t len = be16(d + pos + 2);
        if (len < 2)
            throw Error("image: JPEG segment length is invalid");
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (pos + 9 > n)
                truncated("JPEG");
            ImageHeader h;
            h.format = "jpeg";
            h.height = be16(d + pos + 5);
            h.width = be16(d + pos + 7);
            return h;
        }
        if (marker == 0xDA || marker == 0xD9)
            break;
        pos += 2 + len;
    }
    truncated("JPEG");
}

ImageHeader probeWebp(const std::uint8_t* d, std::size_t n)
{
    if (n < 30)
        truncated("WebP");
    ImageHeader h;
    h.format = "webp";
    if (std::memcmp(d + 12, "VP8 ", 4) == 0) {
        h.width = le16(d + 26) & 0x3FFF;
        h.height = le16(d + 28) & 0x3FFF;
    } else if (std::memcmp(d + 12, "VP8L", 4) == 0) {
        const std::uint32_t bits = le32(d + 21);
        h.width = (bits & 0x3FFF) + 1;
        h.height = ((bits >> 14) & 0x3FFF) + 1;
        h.hasAlpha = (bits >> 28) & 1;
    } else if (std::memcmp(d + 12, "VP8X", 4) == 0) {
        h.hasAlpha = (d[20] & 0x10) != 0;
        h.width = le24(d + 24) + 1;
        h.height = le24(d + 27) + 1;
    } else {
        throw Error("image: unknown WebP chunk type");
    }
    return h;
}

ImageHeader probeBmp(const std::uint8_t* d, std::size_t n)
{
    if (n < 30)
        truncated("BMP");
    ImageHeader h;
    h.format = "bmp";
    const std::uint32_t dibSize = le32(d + 14);
    if (dibSize == 12) {
        h.width = le16(d + 18);
        h.height = le16(d + 20);
    } else {
        const auto w = static_cast<std::int32_t>(le32(d + 18));
        const auto ht = static_cast<std::int32_t>(le32(d + 22));
        h.width = w < 0 ? -static_cast<long long>(w) : w;
        h.height = ht < 0 ? -static_cast<long long>(ht) : ht;
        h.hasAlpha = le16(d + 28) == 32;
    }
    return h;
}

ImageHeader probeTiff(const std::uint8_t* d, std::size_t n)
{
    const bool little = d[0] == 'I';
    auto r16 = [&](std::size_t at) { return little ? le16(d + at) : be16(d + at); };
    auto r32 = [&](std::size_t at) { return little ? le32(d + at) : be32(d + at); };
    const std::uint32_t ifd = r32(4);
    if (std::size_t(ifd) + 2 > n)  // in size_t: an offset near 2^32 must not wrap around
        truncated("TIFF");
    const std::uint32_t count = r16(ifd);
    ImageHeader h;
    h.format = "tiff";
    long long samples = 1;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::size_t e = ifd + 2 + std::size_t(i) * 12;
        if (e + 12 > n)
            truncated("TIFF");
        const std::uint32_t tag = r16(e);
        const std::uint32_t type = r16(e + 2);
        const std::uint32_t value = type == 3 ? r16(e + 8) : r32(e + 8);
        if (tag == 256)
            h.width = value;
        else if (tag == 257)
            h.height = value;
        else if (tag == 277)
            samples = value;
    }
    if (h.width == 0 || h.height == 0)
        throw Error("image: TIFF header has no image size");
    h.hasAlpha = samples == 2 || samples == 4;
    return h;
}

}  // namespace

ImageHeader ImageHeaderProbe::probe(const std::uint8_t* d, std::size_t n)
{
    static const std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (n >= 8 && std::memcmp(d, kPng, 8) == 0)
        return probePng(d, n);
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return probeJpeg(d, n);
    if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0)
        return probeWebp(d, n);
    if (n >= 2 && d[0] == 'B' && d[1] == 'M')
        return probeBmp(d, n);
    if (n >= 8 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0)
                   || (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42)))
        return probeTiff(d, n);
    throw Error("image: not a PNG, JPEG, WebP, TIFF or BMP file");
}

}  // namespace sem

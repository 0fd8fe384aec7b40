#include "core/edges/JbigCoder.h"

extern "C" {
#include <jbig.h>
}

#include <new>
#include <string>

#include "core/common/ByteIO.h"
#include "core/common/Error.h"

namespace sem {

namespace {

struct Sink {
    Bytes* out;
    bool failed;
};

extern "C" void appendToSink(unsigned char* start, std::size_t len, void* file)
{
    auto* sink = static_cast<Sink*>(file);
    if (sink->failed)
        return;
    try {
        sink->out->insert(sink->out->end(), start, start + len);
    } catch (...) {
        sink->failed = true;  // never let an exception cross the C library
    }
}

std::uint32_t readBigEndian32(const std::uint8_t* p)
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

void putBigEndian32(Bytes& out, std::uint32_t v)
{
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

// Packs a CV_8UC1 bitmap (nonzero = 1) into JBIG's MSB-first rows of ceil(w/8) bytes.
Bytes pack(const cv::Mat& bitmap)
{
    const int w = bitmap.cols;
    const std::size_t bpl = static_cast<std::size_t>(w + 7) / 8;
    Bytes packed(bpl * static_cast<std::size_t>(bitmap.rows), 0);
    for (int y = 0; y < bitmap.rows; ++y) {
        const std::uint8_t* src = bitmap.ptr<std::uint8_t>(y);
        std::uint8_t* dst = packed.data() + bpl * static_cast<std::size_t>(y);
        int x = 0;
        for (; x + 8 <= w; x += 8, ++dst) {
            *dst = static_cast<std::uint8_t>(((src[x] != 0) << 7) | ((src[x + 1] != 0) << 6) |
                                             ((src[x + 2] != 0) << 5) | ((src[x + 3] != 0) << 4) |
                                             ((src[x + 4] != 0) << 3) | ((src[x + 5] != 0) << 2) |
                                             ((src[x + 6] != 0) << 1) | (src[x + 7] != 0));
        }
        for (int bit = 7; x < w; ++x, --bit)
            if (src[x] != 0)
                *dst = static_cast<std::uint8_t>(*dst | (1u << bit));
    }
    return packed;
}

class DecoderGuard {
public:
    DecoderGuard() { jbg_dec_init(&state); }
    ~DecoderGuard() { jbg_dec_free(&state); }
    DecoderGuard(const DecoderGuard&) = delete;
    DecoderGuard& operator=(const DecoderGuard&) = delete;
    jbg_dec_state state;
};

}  // namespace

Bytes JbigCoder::header(int width, int height, const JbigOptions& options)
{
    Bytes bih;
    bih.reserve(kBihSize);
    bih.push_back(0);  // DL: lowest resolution layer
    bih.push_back(0);  // D: one layer, no resolution reduction
    bih.push_back(1);  // P: one plane
    bih.push_back(0);
    putBigEndian32(bih, static_cast<std::uint32_t>(width));
    putBigEndian32(bih, static_cast<std::uint32_t>(height));
    putBigEndian32(bih, static_cast<std::uint32_t>(options.l0 == 0 ? static_cast<unsigned long>(height) : options.l0));
    bih.push_back(static_cast<std::uint8_t>(options.mx));
    bih.push_back(0);  // MY
    bih.push_back(static_cast<std::uint8_t>(options.order));
    bih.push_back(static_cast<std::uint8_t>(options.options));
    return bih;
}

Bytes JbigCoder::encode(const cv::Mat& bitmap, const JbigOptions& options)
{
    if (bitmap.empty() || bitmap.type() != CV_8UC1)
        throw Error("edge stream: JBIG coding needs a non-empty 8-bit single-channel bitmap.");
    if (options.mx < 0 || options.mx > 127)
        throw Error("edge stream: JBIG adaptive template offset mx must lie in [0, 127].");
    Bytes packed = pack(bitmap);
    unsigned char* planes[1] = {packed.data()};
    Bytes out;
    Sink sink{&out, false};
    jbg_enc_state state;
    jbg_enc_init(&state, static_cast<unsigned long>(bitmap.cols), static_cast<unsigned long>(bitmap.rows), 1,
                 planes, appendToSink, &sink);
    jbg_enc_layers(&state, 0);
    jbg_enc_options(&state, options.order, options.options,
                    options.l0 == 0 ? static_cast<unsigned long>(bitmap.rows) : options.l0, options.mx, 0);
    jbg_enc_out(&state);
    jbg_enc_free(&state);
    if (sink.failed)
        throw std::bad_alloc();
    return out;
}

cv::Mat JbigCoder::decode(const std::uint8_t* bie, std::size_t size, int width, int height, const char* context)
{
    const std::string ctx = context;
    if (size < kBihSize)
        throw Error(ctx + ": JBIG data is truncated (" + std::to_string(size) + " bytes, the header alone needs " +
                    std::to_string(kBihSize) + ").");
    if (bie[0] != 0 || bie[1] != 0 || bie[2] != 1)
        throw Error(ctx + ": JBIG header declares resolution layers or planes this format does not use.");
    const std::uint32_t xd = readBigEndian32(bie + 4);
    const std::uint32_t yd = readBigEndian32(bie + 8);
    if (xd != static_cast<std::uint32_t>(width) || yd != static_cast<std::uint32_t>(height))
        throw Error(ctx + ": JBIG header declares a " + std::to_string(xd) + "x" + std::to_string(yd) +
                    " bitmap but the image needs " + std::to_string(width) + "x" + std::to_string(height) + ".");
    Bytes data(bie, bie + size);  // JBIG-KIT takes a non-const pointer
    DecoderGuard dec;
    jbg_dec_maxsize(&dec.state, static_cast<unsigned long>(width), static_cast<unsigned long>(height));
    std::size_t consumed = 0;
    const int rc = jbg_dec_in(&dec.state, data.data(), data.size(), &consumed);
    if (rc == JBG_EAGAIN)
        throw Error(ctx + ": JBIG data is truncated.");
    if (rc != JBG_EOK)
        throw Error(ctx + ": JBIG data is corrupt (" + std::string(jbg_strerror(rc)) + ").");
    if (consumed != size)
        throw Error(ctx + ": " + std::to_string(size - consumed) + " unexpected bytes follow the JBIG data.");
    if (jbg_dec_getwidth(&dec.state) != static_cast<unsigned long>(width) ||
        jbg_dec_getheight(&dec.state) != static_cast<unsigned long>(height))
        throw Error(ctx + ": JBIG data changed the bitmap size while decoding.");
    const unsigned char* image = jbg_dec_getimage(&dec.state, 0);
    if (image == nullptr)
        throw Error(ctx + ": JBIG decoder produced no image.");
    const std::size_t bpl = static_cast<std::size_t>(width + 7) / 8;
    cv::Mat out(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y) {
        const unsigned char* src = image + bpl * static_cast<std::size_t>(y);
        std::uint8_t* dst = out.ptr<std::uint8_t>(y);
        for (int x = 0; x < width; ++x)
            dst[x] = (src[x >> 3] & (0x80u >> (x & 7))) != 0 ? 255 : 0;
    }
    return out;
}

}  // namespace sem

#include "core/hint/HintCodec.h"

#include "core/common/ByteIO.h"
#include "core/common/Error.h"
#include "core/hint/PlanarThumbnailCodec.h"

#include <opencv2/imgproc.hpp>
#include <webp/decode.h>
#include <webp/encode.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace sem {

namespace {

[[noreturn]] void fail(const std::string& what)
{
    throw Error("hint stream: " + what);
}

constexpr std::uint8_t kStartCode[3] = {0x9d, 0x01, 0x2a};

int log2Factor(int factor)
{
    switch (factor) {
    case 4: return 2;
    case 8: return 3;
    case 16: return 4;
    case 32: return 5;
    case 64: return 6;
    default: return -1;
    }
}

void checkImageSize(int w, int h)
{
    if (w < 1 || h < 1 || w > HintCodec::kMaxImageSide || h > HintCodec::kMaxImageSide)
        fail("image size " + std::to_string(w) + "x" + std::to_string(h) + " is outside 1.."
             + std::to_string(HintCodec::kMaxImageSide) + ".");
}

void putLe32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

void HintParams::validate() const
{
    if (factor != 0 && log2Factor(factor) < 0)
        throw Error("hint: factor " + std::to_string(factor) + " is not 0, 4, 8, 16, 32 or 64.");
    if (quality != -1 && (quality < 1 || quality > 100))
        throw Error("hint: quality " + std::to_string(quality) + " is not -1 or 1..100.");
}

cv::Size HintCodec::thumbnailSize(int imageWidth, int imageHeight, int factor)
{
    return {(imageWidth + factor - 1) / factor, (imageHeight + factor - 1) / factor};
}

int HintCodec::defaultQuality(int factor)
{
    // Equal-slope choice on the measured curves (docs/bench/text-hint.md, BSDS500 val): the
    // highest tested quality whose step up from the previous one still gains at least 1 dB per
    // 0.005 bpp (about 97 bytes at 481x321).
    switch (factor) {
    case 4: return 2;    // VP8 (the lowest tested: no step up gains 1 dB per 0.005 bpp)
    case 8: return 10;   // VP8
    case 16: return 20;  // VP8
    case 32: return 55;  // planar
    default: return 70;  // planar
    }
}

int HintCodec::defaultCodec(int factor)
{
    // At equal PSNR VP8 is smaller at factors 8 and 16 (and used at 4), the planar codec at 32 and 64.
    return factor >= 32 ? kCodecPlanar : kCodecVp8;
}

int HintCodec::planarStep(int quality)
{
    return 1 + ((100 - std::clamp(quality, 1, 100)) * 47 + 49) / 99;
}

cv::Mat HintCodec::makeThumbnail(const cv::Mat& bgr, int factor)
{
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw Error("hint: the image must be a non-empty 8-bit BGR image.");
    if (log2Factor(factor) < 0)
        throw Error("hint: factor " + std::to_string(factor) + " is not 4, 8, 16, 32 or 64.");
    checkImageSize(bgr.cols, bgr.rows);
    cv::Mat thumb;
    cv::resize(bgr, thumb, thumbnailSize(bgr.cols, bgr.rows, factor), 0, 0, cv::INTER_AREA);
    return thumb;
}

std::vector<std::uint8_t> HintCodec::encode(const cv::Mat& bgr, const HintParams& params)
{
    params.validate();
    if (params.factor == 0)
        return {};
    const int quality = params.quality == -1 ? defaultQuality(params.factor) : params.quality;
    return encodeThumbnail(makeThumbnail(bgr, params.factor), params.factor, quality);
}

std::vector<std::uint8_t> HintCodec::encodeThumbnail(const cv::Mat& thumb, int factor, int quality, int codec)
{
    if (thumb.empty() || thumb.type() != CV_8UC3 || log2Factor(factor) < 0 || quality < 1 || quality > 100)
        throw Error("hint: invalid thumbnail, factor or quality.");
    if (codec == -1)
        codec = defaultCodec(factor);
    if (codec == kCodecPlanar) {
        const int step = planarStep(quality);
        const std::vector<std::uint8_t> coded = PlanarThumbnailCodec::encode(thumb, step);
        ByteWriter w;
        w.u8(static_cast<std::uint8_t>((kCodecPlanar << 4) | log2Factor(factor)));
        w.u8(static_cast<std::uint8_t>(step));
        w.varint(static_cast<std::uint64_t>(thumb.cols));
        w.varint(static_cast<std::uint64_t>(thumb.rows));
        w.varint(coded.size());
        w.bytes(coded);
        return w.take();
    }
    if (codec != kCodecVp8)
        throw Error("hint: unknown codec " + std::to_string(codec) + ".");
    const cv::Mat src = thumb.isContinuous() ? thumb : thumb.clone();

    WebPConfig config;
    if (!WebPConfigInit(&config))
        throw Error("hint: libwebp version mismatch.");
    config.quality = static_cast<float>(quality);
    config.method = 6;
    config.segments = 1;  // tiny images: segment maps cost more than they save
    config.partitions = 0;
    WebPPicture pic;
    if (!WebPPictureInit(&pic))
        throw Error("hint: libwebp version mismatch.");
    pic.width = src.cols;
    pic.height = src.rows;
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = &writer;
    const bool ok = WebPPictureImportBGR(&pic, src.data, static_cast<int>(src.step)) && WebPEncode(&config, &pic);
    WebPPictureFree(&pic);
    std::vector<std::uint8_t> webp(writer.mem, writer.mem + writer.size);
    WebPMemoryWriterClear(&writer);
    if (!ok)
        throw Error("hint: WebP encoding failed.");

    // Expect exactly: RIFF size WEBP "VP8 " size, then the key frame.
    if (webp.size() < 30 || std::memcmp(webp.data(), "RIFF", 4) != 0 || std::memcmp(webp.data() + 8, "WEBPVP8 ", 8) != 0)
        throw Error("hint: libwebp produced an unexpected container.");
    const std::uint32_t vp8Size = webp[16] | (webp[17] << 8) | (webp[18] << 16) | (static_cast<std::uint32_t>(webp[19]) << 24);
    if (vp8Size < 10 || vp8Size > webp.size() - 20 || std::memcmp(webp.data() + 23, kStartCode, 3) != 0)
        throw Error("hint: libwebp produced an unexpected VP8 frame.");

    ByteWriter w;
    w.u8(static_cast<std::uint8_t>((kCodecVp8 << 4) | log2Factor(factor)));
    w.varint(vp8Size - 3);
    w.bytes(webp.data() + 20, 3);                 // frame tag
    w.bytes(webp.data() + 26, vp8Size - 6);       // dimensions and partitions
    return w.take();
}

cv::Mat HintCodec::decodeThumbnail(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight)
{
    checkImageSize(imageWidth, imageHeight);
    if (size == 0)
        return {};
    ByteReader r(data, size, "hint stream");
    const std::uint8_t head = r.u8();
    const int codec = head >> 4;
    if (codec != kCodecVp8 && codec != kCodecPlanar)
        fail("unknown codec id " + std::to_string(codec) + ".");
    const int lf = head & 0x0f;
    if (lf < 2 || lf > 6)
        fail("factor 2^" + std::to_string(lf) + " is not 4, 8, 16, 32 or 64.");
    const cv::Size expected = thumbnailSize(imageWidth, imageHeight, 1 << lf);
    if (codec == kCodecPlanar) {
        const int step = r.u8();
        const std::uint64_t w = r.varint();
        const std::uint64_t h = r.varint();
        if (w != static_cast<std::uint64_t>(expected.width) || h != static_cast<std::uint64_t>(expected.height))
            fail("thumbnail is " + std::to_string(w) + "x" + std::to_string(h) + " but the image needs "
                 + std::to_string(expected.width) + "x" + std::to_string(expected.height) + ".");
        const std::uint64_t len = r.varint();
        if (len > r.remaining())
            fail("thumbnail data truncated (" + std::to_string(r.remaining()) + " of " + std::to_string(len) + " bytes).");
        if (len < r.remaining())
            fail(std::to_string(r.remaining() - len) + " bytes of trailing data after the thumbnail.");
        const std::uint8_t* coded = r.take(static_cast<std::size_t>(len));
        return PlanarThumbnailCodec::decode(coded, static_cast<std::size_t>(len), expected, step);
    }
    const std::uint64_t n = r.varint();
    if (n > r.remaining())
        fail("VP8 data truncated (" + std::to_string(r.remaining()) + " of " + std::to_string(n) + " bytes).");
    if (n < r.remaining())
        fail(std::to_string(r.remaining() - n) + " bytes of trailing data after the VP8 frame.");
    if (n < 7)
        fail("VP8 frame header truncated.");
    const std::uint8_t* vp8 = r.take(static_cast<std::size_t>(n));

    // Rebuild the WebP file: RIFF header, "VP8 " chunk, the frame with its start code.
    const std::uint32_t vp8Size = static_cast<std::uint32_t>(n) + 3;
    const std::uint32_t pad = vp8Size & 1u;
    std::vector<std::uint8_t> webp;
    webp.reserve(20 + vp8Size + pad);
    webp.insert(webp.end(), {'R', 'I', 'F', 'F'});
    putLe32(webp, 4 + 8 + vp8Size + pad);
    webp.insert(webp.end(), {'W', 'E', 'B', 'P', 'V', 'P', '8', ' '});
    putLe32(webp, vp8Size);
    webp.insert(webp.end(), vp8, vp8 + 3);
    webp.insert(webp.end(), kStartCode, kStartCode + 3);
    webp.insert(webp.end(), vp8 + 3, vp8 + n);
    if (pad)
        webp.push_back(0);

    int w = 0, h = 0;
    if (!WebPGetInfo(webp.data(), webp.size(), &w, &h))
        fail("malformed VP8 frame header.");
    if (w != expected.width || h != expected.height)
        fail("thumbnail is " + std::to_string(w) + "x" + std::to_string(h) + " but the image needs "
             + std::to_string(expected.width) + "x" + std::to_string(expected.height) + ".");
    cv::Mat thumb(h, w, CV_8UC3);
    if (!WebPDecodeBGRInto(webp.data(), webp.size(), thumb.data, thumb.step * static_cast<std::size_t>(h),
                           static_cast<int>(thumb.step)))
        fail("corrupt or truncated VP8 data.");
    return thumb;
}

cv::Mat HintCodec::decodeUpsampled(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight)
{
    return upsample(decodeThumbnail(data, size, imageWidth, imageHeight), imageWidth, imageHeight);
}

cv::Mat HintCodec::upsample(const cv::Mat& thumbnail, int imageWidth, int imageHeight)
{
    if (thumbnail.empty())
        return {};
    cv::Mat up;
    cv::resize(thumbnail, up, cv::Size(imageWidth, imageHeight), 0, 0, cv::INTER_CUBIC);
    return up;
}

}  // namespace sem

#include "core/baselines/AvifCodec.h"

#include "core/common/Error.h"

#include <avif/avif.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <thread>

namespace sem {
namespace {

constexpr std::uint32_t kMaxSide = 16384;

struct ImageDeleter {
    void operator()(avifImage* p) const { avifImageDestroy(p); }
};
struct EncoderDeleter {
    void operator()(avifEncoder* p) const { avifEncoderDestroy(p); }
};
struct DecoderDeleter {
    void operator()(avifDecoder* p) const { avifDecoderDestroy(p); }
};
struct RwData {
    avifRWData data = AVIF_DATA_EMPTY;
    ~RwData() { avifRWDataFree(&data); }
};

std::string reason(avifResult r) {
    return avifResultToString(r);
}

int threadCount() {
    const unsigned n = std::thread::hardware_concurrency();
    return static_cast<int>(std::clamp(n, 1u, 8u));
}

}  // namespace

const char* AvifCodec::encoderName() {
    const char* name = avifCodecName(AVIF_CODEC_CHOICE_AUTO, AVIF_CODEC_FLAG_CAN_ENCODE);
    return name ? name : "";
}

bool AvifCodec::available() {
    return avifCodecName(AVIF_CODEC_CHOICE_AUTO, AVIF_CODEC_FLAG_CAN_ENCODE) != nullptr &&
           avifCodecName(AVIF_CODEC_CHOICE_AUTO, AVIF_CODEC_FLAG_CAN_DECODE) != nullptr;
}

int AvifCodec::quantizerForQuality(int quality) {
    if (quality < 1 || quality > 100)
        throw Error("avif: quality must be 1..100, got " + std::to_string(quality) + ".");
    return static_cast<int>(std::lround((100 - quality) * 63.0 / 99.0));
}

std::vector<std::uint8_t> AvifCodec::encode(const cv::Mat& bgr, int quality, int speed) {
    if (avifCodecName(AVIF_CODEC_CHOICE_AUTO, AVIF_CODEC_FLAG_CAN_ENCODE) == nullptr)
        throw Error("avif: this libavif was built without an AV1 encoder (aom, rav1e or SVT-AV1).");
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw Error("avif: the image to encode must be a non-empty 8-bit BGR image.");
    const int quantizer = quantizerForQuality(quality);

    std::unique_ptr<avifImage, ImageDeleter> image(
        avifImageCreate(static_cast<std::uint32_t>(bgr.cols), static_cast<std::uint32_t>(bgr.rows), 8,
                        AVIF_PIXEL_FORMAT_YUV420));
    if (!image) throw Error("avif: out of memory creating the image.");
    image->yuvRange = AVIF_RANGE_FULL;
    image->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;

    // libavif reads the RGB pixels through a non-const pointer; give it its own copy.
    cv::Mat pixels = bgr.clone();
    avifRGBImage rgb;
    avifRGBImageSetDefaults(&rgb, image.get());
    rgb.format = AVIF_RGB_FORMAT_BGR;
    rgb.depth = 8;
    rgb.pixels = pixels.data;
    rgb.rowBytes = static_cast<std::uint32_t>(pixels.step[0]);
    avifResult r = avifImageRGBToYUV(image.get(), &rgb);
    if (r != AVIF_RESULT_OK) throw Error("avif: colour conversion failed (" + reason(r) + ").");

    std::unique_ptr<avifEncoder, EncoderDeleter> encoder(avifEncoderCreate());
    if (!encoder) throw Error("avif: out of memory creating the encoder.");
    encoder->maxThreads = threadCount();
    encoder->speed = std::clamp(speed, AVIF_SPEED_SLOWEST, AVIF_SPEED_FASTEST);
    encoder->minQuantizer = quantizer;
    encoder->maxQuantizer = quantizer;
    RwData out;
    r = avifEncoderWrite(encoder.get(), image.get(), &out.data);
    if (r != AVIF_RESULT_OK) throw Error("avif: encoding failed (" + reason(r) + ").");
    return std::vector<std::uint8_t>(out.data.data, out.data.data + out.data.size);
}

cv::Mat AvifCodec::decode(const std::vector<std::uint8_t>& data) {
    if (data.empty()) throw Error("avif: no data to decode.");
    std::unique_ptr<avifDecoder, DecoderDeleter> decoder(avifDecoderCreate());
    std::unique_ptr<avifImage, ImageDeleter> image(avifImageCreateEmpty());
    if (!decoder || !image) throw Error("avif: out of memory creating the decoder.");
    decoder->imageSizeLimit = kMaxSide * kMaxSide;
    decoder->maxThreads = threadCount();
    avifResult r = avifDecoderReadMemory(decoder.get(), image.get(), data.data(), data.size());
    if (r != AVIF_RESULT_OK) throw Error("avif: cannot decode the data (" + reason(r) + ").");
    if (image->width == 0 || image->height == 0 || image->width > kMaxSide || image->height > kMaxSide)
        throw Error("avif: decoded image size " + std::to_string(image->width) + "x" +
                    std::to_string(image->height) + " is out of range.");

    cv::Mat out(static_cast<int>(image->height), static_cast<int>(image->width), CV_8UC3);
    avifRGBImage rgb;
    avifRGBImageSetDefaults(&rgb, image.get());
    rgb.format = AVIF_RGB_FORMAT_BGR;
    rgb.depth = 8;
    rgb.pixels = out.data;
    rgb.rowBytes = static_cast<std::uint32_t>(out.step[0]);
    r = avifImageYUVToRGB(image.get(), &rgb);
    if (r != AVIF_RESULT_OK) throw Error("avif: colour conversion failed (" + reason(r) + ").");
    return out;
}

}  // namespace sem

#include "core/image/ImageIO.h"

#include <algorithm>
#include <cctype>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <webp/decode.h>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/image/ImageHeader.h"

namespace sem {
namespace {

std::string lowerExtension(const std::string& path)
{
    const auto dot = path.find_last_of('.');
    const auto slash = path.find_last_of("/\\");
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
        return {};
    std::string ext = path.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

cv::Mat compositeOverWhite(const cv::Mat& bgra)
{
    cv::Mat bgra32;
    bgra.convertTo(bgra32, CV_32F);
    std::vector<cv::Mat> ch;
    cv::split(bgra32, ch);
    const cv::Mat alpha = ch[3] / 255.0;
    cv::Mat inv = 1.0 - alpha;
    std::vector<cv::Mat> out(3);
    for (int c = 0; c < 3; ++c)
        out[c] = ch[c].mul(alpha) + inv * 255.0;
    cv::Mat merged, result;
    cv::merge(out, merged);
    merged.convertTo(result, CV_8U);
    return result;
}

}  // namespace

LoadedImage ImageIO::decode(const std::vector<std::uint8_t>& bytes, const std::string& name, const ImageLimits& limits)
{
    if (bytes.empty())
        throw Error(name + ": the file is empty");
    ImageHeader header;
    try {
        header = ImageHeaderProbe::probe(bytes.data(), bytes.size());
    } catch (const Error& e) {
        throw Error(name + ": " + e.what());
    }
    if (header.width <= 0 || header.height <= 0)
        throw Error(name + ": the image has zero width or height");
    if (header.width > limits.maxSide || header.height > limits.maxSide)
        throw Error(name + ": the image is " + std::to_string(header.width) + "x" + std::to_string(header.height)
                    + ", over the limit of " + std::to_string(limits.maxSide) + " pixels a side");
    if (header.width * header.height > limits.maxPixels)
        throw Error(name + ": the image has " + std::to_string(header.width * header.height)
                    + " pixels, over the limit of " + std::to_string(limits.maxPixels));

    // cv::imdecode picks its reader by signature; a WebP header that OpenCV's WebP reader refuses (it asks
    // libwebp about the first 32 bytes) would fall through to other readers, e.g. GDCM's DICOM reader
    // ("DICM" at offset 128), which aborts the process on malformed input (found by tests/fuzz/fuzz_image).
    if (header.format == "webp") {
        WebPBitstreamFeatures features;
        if (WebPGetFeatures(bytes.data(), std::min<std::size_t>(bytes.size(), 32), &features) != VP8_STATUS_OK)
            throw Error(name + ": the webp header is invalid");
    }
    // IMREAD_UNCHANGED keeps alpha but skips EXIF orientation, so use it only when there is alpha.
    const int flags = header.hasAlpha ? cv::IMREAD_UNCHANGED : (cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    cv::Mat raw;
    try {
        raw = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data())), flags);
    } catch (const cv::Exception& e) {
        throw Error(name + ": the " + header.format + " data cannot be decoded (" + e.err + ")");
    }
    if (raw.empty())
        throw Error(name + ": the " + header.format + " data cannot be decoded (corrupt or unsupported)");
    if (raw.cols != header.width && raw.cols != header.height)
        throw Error(name + ": decoded size does not match the header");

    LoadedImage out;
    out.format = header.format;
    out.sourceChannels = raw.channels();
    out.sourceBitDepth = raw.depth() == CV_16U ? 16 : 8;
    if (raw.depth() == CV_16U) {
        raw.convertTo(raw, CV_8U, 1.0 / 257.0);
        out.warnings.push_back("16-bit samples reduced to 8 bits");
    } else if (raw.depth() == CV_32F) {
        raw.convertTo(raw, CV_8U, 255.0);
        out.warnings.push_back("floating-point samples reduced to 8 bits");
    } else if (raw.depth() != CV_8U) {
        throw Error(name + ": unsupported sample type");
    }
    switch (raw.channels()) {
    case 1:
        cv::cvtColor(raw, out.bgr, cv::COLOR_GRAY2BGR);
        break;
    case 2: {
        std::vector<cv::Mat> ch;
        cv::split(raw, ch);
        cv::Mat bgra;
        cv::merge(std::vector<cv::Mat>{ch[0], ch[0], ch[0], ch[1]}, bgra);
        out.bgr = compositeOverWhite(bgra);
        out.warnings.push_back("alpha channel composited over white");
        break;
    }
    case 3:
        out.bgr = raw;
        break;
    case 4: {
        double minAlpha = 0;
        cv::Mat alpha;
        cv::extractChannel(raw, alpha, 3);
        cv::minMaxLoc(alpha, &minAlpha);
        if (minAlpha >= 255) {
            cv::cvtColor(raw, out.bgr, cv::COLOR_BGRA2BGR);
            out.warnings.push_back("opaque alpha channel dropped");
        } else {
            out.bgr = compositeOverWhite(raw);
            out.warnings.push_back("alpha channel composited over white");
        }
        break;
    }
    default:
        throw Error(name + ": unsupported channel count " + std::to_string(raw.channels()));
    }
    return out;
}

LoadedImage ImageIO::load(const std::string& path, const ImageLimits& limits)
{
    return decode(readFile(path, limits.maxFileBytes), path, limits);
}

std::vector<std::uint8_t> ImageIO::encode(const cv::Mat& bgr, const std::string& extension)
{
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw Error("image: nothing to encode (expected an 8-bit colour image)");
    std::vector<std::uint8_t> out;
    std::vector<int> params;
    if (extension == ".png")
        params = {cv::IMWRITE_PNG_COMPRESSION, 6};
    else if (extension == ".jpg" || extension == ".jpeg")
        params = {cv::IMWRITE_JPEG_QUALITY, 95};
    else if (extension == ".webp")
        params = {cv::IMWRITE_WEBP_QUALITY, 101};  // lossless
    else if (extension != ".tif" && extension != ".tiff" && extension != ".bmp")
        throw Error("image: unsupported output format '" + extension + "' (use .png, .jpg, .webp, .tif or .bmp)");
    try {
        if (!cv::imencode(extension, bgr, out, params))
            throw Error("image: encoding as " + extension + " failed");
    } catch (const cv::Exception& e) {
        throw Error("image: encoding as " + extension + " failed (" + e.err + ")");
    }
    return out;
}

void ImageIO::save(const std::string& path, const cv::Mat& bgr)
{
    std::string ext = lowerExtension(path);
    if (ext.empty())
        throw Error(path + ": the output file name needs an extension (.png, .jpg, .webp, .tif or .bmp)");
    writeFileAtomic(path, encode(bgr, ext));
}

}  // namespace sem

#include "core/caption/CaptionRequest.h"

#include "core/caption/CaptionPrompt.h"
#include "core/common/Error.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace sem {

int CaptionRequest::maxSideFor(const QString& detail) {
    return detail == QLatin1String("low") ? kMaxSideLowDetail : kMaxSide;
}

QByteArray CaptionRequest::encodeJpeg(const cv::Mat& image, int maxSide) {
    maxSide = std::clamp(maxSide, 1, kMaxSide);
    if (image.empty() || image.cols <= 0 || image.rows <= 0)
        throw Error("caption: the image is empty.");
    if (image.depth() != CV_8U)
        throw Error("caption: the image must have 8 bits per channel.");
    cv::Mat bgr;
    switch (image.channels()) {
    case 1: bgr = image; break;  // JPEG stores grey as is
    case 3: bgr = image; break;
    case 4: cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR); break;
    default: throw Error("caption: the image must have 1, 3 or 4 channels.");
    }
    const int longest = std::max(bgr.cols, bgr.rows);
    if (longest > maxSide) {
        const double scale = static_cast<double>(maxSide) / longest;
        const int w = std::clamp(static_cast<int>(bgr.cols * scale + 0.5), 1, maxSide);
        const int h = std::clamp(static_cast<int>(bgr.rows * scale + 0.5), 1, maxSide);
        cv::Mat small;
        cv::resize(bgr, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
        bgr = small;
    }
    std::vector<uchar> jpeg;
    if (!cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, kJpegQuality}))
        throw Error("caption: the image could not be encoded as JPEG.");
    return QByteArray(reinterpret_cast<const char*>(jpeg.data()), static_cast<qsizetype>(jpeg.size()));
}

int CaptionRequest::maxTokens(int maxWords) { return std::max(16, maxWords * 3 + 16); }

QByteArray CaptionRequest::body(const QByteArray& jpeg, const CaptionSettings& settings) {
    const QByteArray url = QByteArrayLiteral("data:image/jpeg;base64,") + jpeg.toBase64();
    nlohmann::json imagePart = {
        {"type", "image_url"},
        {"image_url", {{"url", url.toStdString()}, {"detail", settings.detail.toStdString()}}}};
    nlohmann::json textPart = {{"type", "text"},
                               {"text", CaptionPrompt::text(settings.maxWords).toStdString()}};
    nlohmann::json request = {
        {"model", settings.model.toStdString()},
        {"max_tokens", maxTokens(settings.maxWords)},
        {"messages", nlohmann::json::array({{{"role", "user"},
                                             {"content", nlohmann::json::array({textPart, imagePart})}}})}};
    const std::string text = request.dump();
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

}  // namespace sem

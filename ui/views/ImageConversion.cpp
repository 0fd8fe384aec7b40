#include "ui/views/ImageConversion.h"

#include <opencv2/imgproc.hpp>

namespace sem::ui {

QImage toQImage(const cv::Mat& mat)
{
    if (mat.empty() || mat.depth() != CV_8U)
        return {};
    switch (mat.channels()) {
    case 1: {
        QImage out(mat.cols, mat.rows, QImage::Format_Grayscale8);
        for (int y = 0; y < mat.rows; ++y)
            std::copy_n(mat.ptr<std::uint8_t>(y), mat.cols, out.scanLine(y));
        return out;
    }
    case 3: {
        QImage out(mat.cols, mat.rows, QImage::Format_RGB888);
        cv::Mat view(mat.rows, mat.cols, CV_8UC3, out.bits(), static_cast<std::size_t>(out.bytesPerLine()));
        cv::cvtColor(mat, view, cv::COLOR_BGR2RGB);
        return out;
    }
    case 4: {
        // BGRA in memory is ARGB32 on little-endian machines; convert explicitly to be portable.
        QImage out(mat.cols, mat.rows, QImage::Format_RGBA8888);
        cv::Mat view(mat.rows, mat.cols, CV_8UC4, out.bits(), static_cast<std::size_t>(out.bytesPerLine()));
        cv::cvtColor(mat, view, cv::COLOR_BGRA2RGBA);
        return out.convertToFormat(QImage::Format_ARGB32);
    }
    default:
        return {};
    }
}

QImage edgeOverlayImage(const EdgeMap& map)
{
    if (map.empty() || map.width <= 0 || map.height <= 0)
        return {};
    QImage out(map.width, map.height, QImage::Format_ARGB32);
    const bool colour = map.planes.size() == 3;
    for (int y = 0; y < map.height; ++y) {
        auto* dst = reinterpret_cast<QRgb*>(out.scanLine(y));
        if (!colour) {
            const std::uint8_t* p = map.planes[0].ptr<std::uint8_t>(y);
            for (int x = 0; x < map.width; ++x)
                dst[x] = p[x] ? qRgba(255, 255, 255, 255) : qRgba(0, 0, 0, 0);
            continue;
        }
        const std::uint8_t* b = map.planes[0].ptr<std::uint8_t>(y);
        const std::uint8_t* g = map.planes[1].ptr<std::uint8_t>(y);
        const std::uint8_t* r = map.planes[2].ptr<std::uint8_t>(y);
        for (int x = 0; x < map.width; ++x) {
            const bool any = r[x] || g[x] || b[x];
            dst[x] = any ? qRgba(r[x], g[x], b[x], 255) : qRgba(0, 0, 0, 0);
        }
    }
    return out;
}

}  // namespace sem::ui

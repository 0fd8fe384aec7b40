#include "ui/views/ImagePyramid.h"

#include <algorithm>
#include <cmath>

namespace sem::ui {

ImagePyramid::ImagePyramid(const QImage& image, int minSide)
{
    if (image.isNull())
        return;
    // The formats the raster paint engine draws without a per-draw conversion.
    m_levels.append(image.hasAlphaChannel() ? image.convertToFormat(QImage::Format_ARGB32_Premultiplied)
                                            : image.convertToFormat(QImage::Format_RGB32));
    while (m_levels.last().width() / 2 >= minSide && m_levels.last().height() / 2 >= minSide) {
        const QImage& last = m_levels.last();
        m_levels.append(last.scaled(last.width() / 2, last.height() / 2, Qt::IgnoreAspectRatio,
                                    Qt::SmoothTransformation));
    }
}

const QImage& ImagePyramid::full() const
{
    static const QImage kNull;
    return m_levels.isEmpty() ? kNull : m_levels.first();
}

const QImage& ImagePyramid::levelFor(double scale) const
{
    if (m_levels.isEmpty())
        return full();
    const double fullWidth = m_levels.first().width();
    int best = 0;
    for (int i = 1; i < m_levels.size(); ++i)
        if (m_levels[i].width() >= fullWidth * scale)
            best = i;
    return m_levels[best];
}

const QImage& ImagePyramid::displayImage(double scale) const
{
    static const QImage kNull;
    if (m_levels.isEmpty() || !(scale > 0.0))
        return kNull;
    if (scale == m_displayScale)
        return m_display;
    const QImage& full = m_levels.first();
    const int w = std::max(1, int(std::lround(full.width() * scale)));
    const int h = std::max(1, int(std::lround(full.height() * scale)));
    m_displayScale = scale;
    if (qint64(w) * h > kMaxDisplayPixels)
        m_display = QImage();
    else if (w == full.width() && h == full.height())
        m_display = full;
    else
        m_display = levelFor(scale).scaled(w, h, Qt::IgnoreAspectRatio,
                                          scale < 1.0 ? Qt::SmoothTransformation : Qt::FastTransformation);
    return m_display;
}

}  // namespace sem::ui

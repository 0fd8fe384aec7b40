#pragma once
#include <QImage>
#include <QVector>

namespace sem::ui {

// An image and its successive halvings (smooth), so that drawing a 12 MP image at a small zoom
// reads a level near the screen size instead of the full image. Cheap to copy (implicitly
// shared QImages), safe to build on a worker thread.
class ImagePyramid {
public:
    ImagePyramid() = default;
    // Halves until a side would drop below `minSide`.
    explicit ImagePyramid(const QImage& image, int minSide = 512);

    bool isNull() const { return m_levels.isEmpty(); }
    const QImage& full() const;
    int levelCount() const { return int(m_levels.size()); }
    // The smallest level still at least `scale` times the full size (scale = display zoom).
    const QImage& levelFor(double scale) const;
    // The whole image resized to `scale` (smooth), cached until the scale changes, so that a
    // repaint at an unchanged zoom is a plain copy. Null when that would exceed kMaxDisplayPixels
    // (zoomed in: draw levelFor() clipped instead). GUI thread only.
    const QImage& displayImage(double scale) const;
    static constexpr qint64 kMaxDisplayPixels = 6'000'000;

private:
    QVector<QImage> m_levels;
    mutable double m_displayScale = 0.0;
    mutable QImage m_display;
};

}  // namespace sem::ui

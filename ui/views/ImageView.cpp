#include "ui/views/ImageView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <array>
#include <cmath>

namespace sem::ui {

namespace {
constexpr std::array<double, 17> kZoomSteps{1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 6, 1.0 / 4, 1.0 / 3, 1.0 / 2, 2.0 / 3,
                                            1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 16.0, 32.0};
constexpr double kDividerGrab = 6.0;
}  // namespace

QString ImageView::layerName(Layer layer)
{
    switch (layer) {
    case Layer::Original: return tr("Original");
    case Layer::Edges: return tr("Edges");
    case Layer::Hint: return tr("Hint only");
    case Layer::Reconstruction: return tr("Reconstruction");
    // At the .sem's size, or as close as the codec gets: the label's note says which (ViewMeasure).
    case Layer::Jpeg: return tr("JPEG");
    case Layer::Webp: return tr("WebP");
    case Layer::WebpDownscale: return tr("Downscale + WebP");
    }
    return {};
}

ImageView::ImageView(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(200, 150);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageView::setImageSize(QSize size)
{
    if (size == m_imageSize)
        return;
    m_imageSize = size;
    m_center = QPointF(size.width() / 2.0, size.height() / 2.0);
    m_fit = true;
    changed();
}

void ImageView::setOriginal(const QImage& image)
{
    setOriginal(ImagePyramid(image));
}

void ImageView::setOriginal(const ImagePyramid& pyramid)
{
    m_original = pyramid;
    update();
}

void ImageView::setEdgeOverlay(const QImage& overlay)
{
    setEdgeOverlay(ImagePyramid(overlay));
}

void ImageView::setEdgeOverlay(const ImagePyramid& overlay)
{
    m_edges = overlay;
    update();
}

void ImageView::setHint(const QImage& image)
{
    setHint(ImagePyramid(image));
}

void ImageView::setHint(const ImagePyramid& pyramid)
{
    m_hint = pyramid;
    update();
}

void ImageView::setLayerImage(Layer layer, const ImagePyramid& pyramid)
{
    if (pyramid.isNull()) {
        m_extra.erase(int(layer));
        m_notes.erase(int(layer));
        updateToolTip();
    } else {
        m_extra[int(layer)] = pyramid;
    }
    update();
}

void ImageView::setLayerNote(Layer layer, const QString& note)
{
    if (note.isEmpty())
        m_notes.erase(int(layer));
    else
        m_notes[int(layer)] = note;
    updateToolTip();
    update();
}

QString ImageView::layerNote(Layer layer) const
{
    const auto it = m_notes.find(int(layer));
    return it == m_notes.end() ? QString() : it->second;
}

QString ImageView::labelText(Layer layer) const
{
    const QString note = layerNote(layer);
    return note.isEmpty() ? layerName(layer) : layerName(layer) + QStringLiteral(" · ") + note;
}

void ImageView::updateToolTip()
{
    const QString left = labelText(m_left);
    setToolTip(m_split ? left + QLatin1Char('\n') + labelText(m_right) : left);
}

bool ImageView::hasLayerImage(Layer layer) const
{
    return m_extra.count(int(layer)) != 0;
}

QImage ImageView::layerImage(Layer layer) const
{
    const auto it = m_extra.find(int(layer));
    return it == m_extra.end() ? QImage() : it->second.full();
}

void ImageView::clear()
{
    m_original = m_hint = m_edges = ImagePyramid();
    m_extra.clear();
    m_notes.clear();
    updateToolTip();
    setImageSize(QSize());
    update();
}

void ImageView::setLayer(Layer layer)
{
    m_left = layer;
    updateToolTip();
    update();
}

void ImageView::setSecondLayer(Layer layer)
{
    m_right = layer;
    updateToolTip();
    update();
}

void ImageView::setSplit(bool on)
{
    m_split = on;
    updateToolTip();
    update();
}

void ImageView::setSplitPosition(double fraction)
{
    fraction = std::clamp(fraction, 0.0, 1.0);
    if (fraction == m_splitPos)
        return;
    m_splitPos = fraction;
    update();
    emit splitPositionChanged(fraction);
}

double ImageView::zoom() const
{
    if (!m_fit || m_imageSize.isEmpty())
        return m_zoom;
    const double s = std::min(double(width()) / m_imageSize.width(), double(height()) / m_imageSize.height());
    return std::clamp(s, kMinZoom, kMaxZoom);
}

void ImageView::zoomToFit()
{
    m_fit = true;
    m_center = QPointF(m_imageSize.width() / 2.0, m_imageSize.height() / 2.0);
    changed();
}

void ImageView::setZoom(double scale)
{
    const QPointF c = viewCenter();
    m_fit = false;
    m_zoom = std::clamp(scale, kMinZoom, kMaxZoom);
    m_center = c;
    clampCenter();
    changed();
}

void ImageView::zoomIn()
{
    const double s = zoom();
    for (double step : kZoomSteps)
        if (step > s * 1.001)
            return setZoom(step);
    setZoom(kMaxZoom);
}

void ImageView::zoomOut()
{
    const double s = zoom();
    for (auto it = kZoomSteps.rbegin(); it != kZoomSteps.rend(); ++it)
        if (*it < s / 1.001)
            return setZoom(*it);
    setZoom(kMinZoom);
}

void ImageView::zoomAt(double scale, QPointF widgetPos)
{
    const QPointF anchor = widgetToImage(widgetPos);
    m_fit = false;
    m_zoom = std::clamp(scale, kMinZoom, kMaxZoom);
    const QPointF fromCenter = widgetPos - QPointF(width() / 2.0, height() / 2.0);
    m_center = anchor - fromCenter / m_zoom;
    clampCenter();
    changed();
}

void ImageView::panBy(QPointF widgetDelta)
{
    if (m_imageSize.isEmpty())
        return;
    if (m_fit) {
        m_zoom = zoom();
        m_fit = false;
    }
    m_center -= widgetDelta / m_zoom;
    clampCenter();
    changed();
}

QPointF ImageView::viewCenter() const
{
    return m_fit ? QPointF(m_imageSize.width() / 2.0, m_imageSize.height() / 2.0) : m_center;
}

QPointF ImageView::widgetToImage(QPointF p) const
{
    const double s = zoom();
    return viewCenter() + (p - QPointF(width() / 2.0, height() / 2.0)) / s;
}

QPointF ImageView::imageToWidget(QPointF p) const
{
    const double s = zoom();
    return QPointF(width() / 2.0, height() / 2.0) + (p - viewCenter()) * s;
}

QRectF ImageView::imageRect() const
{
    const double s = zoom();
    return QRectF(imageToWidget(QPointF(0, 0)), QSizeF(m_imageSize.width() * s, m_imageSize.height() * s));
}

void ImageView::clampCenter()
{
    // The image centre may move at most to the widget border: the image never leaves the view.
    m_center.setX(std::clamp(m_center.x(), 0.0, double(m_imageSize.width())));
    m_center.setY(std::clamp(m_center.y(), 0.0, double(m_imageSize.height())));
}

void ImageView::changed()
{
    update();
    const double s = zoom();
    if (s != m_lastEmittedZoom) {
        m_lastEmittedZoom = s;
        emit zoomChanged(s);
    }
}

void ImageView::drawPyramid(QPainter& painter, const ImagePyramid& pyramid, const QRectF& target, double scale)
{
    const QImage& display = pyramid.displayImage(scale);
    if (!display.isNull() && std::abs(display.width() - target.width()) < 1.0
        && std::abs(display.height() - target.height()) < 1.0) {
        painter.drawImage(target.topLeft(), display);  // a copy, no resampling
        return;
    }
    painter.setRenderHint(QPainter::SmoothPixmapTransform, scale < 1.0);
    painter.drawImage(target, pyramid.levelFor(scale));
}

void ImageView::drawLayer(QPainter& painter, Layer layer, const QRectF& target, double scale,
                          const QRectF& visible) const
{
    auto placeholder = [&](const QString& text) {
        painter.fillRect(target, QColor(40, 40, 40));
        painter.setPen(QColor(200, 200, 200));
        // Centred in the part of the layer that is seen (one side of a split), not under the divider.
        QRectF area = visible.isNull() ? target : target.intersected(visible);
        if (area.isEmpty())
            area = target;
        painter.drawText(area.adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, text);
    };
    switch (layer) {
    case Layer::Original:
        if (m_original.isNull())
            return placeholder(tr("No original image (a .sem file holds none)"));
        drawPyramid(painter, m_original, target, scale);
        return;
    case Layer::Edges:
        if (m_original.isNull()) {
            painter.fillRect(target, Qt::black);
        } else {
            drawPyramid(painter, m_original, target, scale);
            painter.fillRect(target, QColor(0, 0, 0, 170));
        }
        if (!m_edges.isNull()) {
            // Magnified: hard map pixels. Minified: filtered, so thin edges fade rather than vanish.
            const QImage& level = m_edges.levelFor(target.width() / m_edges.full().width());
            painter.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < level.width());
            painter.drawImage(target, level);
        }
        return;
    case Layer::Hint:
        if (m_hint.isNull())
            return placeholder(tr("No colour hint (Hint is off)"));
        drawPyramid(painter, m_hint, target, scale);
        return;
    case Layer::Reconstruction:
    case Layer::Jpeg:
    case Layer::Webp:
    case Layer::WebpDownscale: {
        const auto it = m_extra.find(int(layer));
        if (it == m_extra.end()) {
            if (layer == Layer::Reconstruction)
                return placeholder(tr("No reconstruction yet (Decode)"));
            return placeholder(m_original.isNull() ? tr("%1: needs the original image").arg(layerName(layer))
                                                   : tr("%1: computing…").arg(layerName(layer)));
        }
        drawPyramid(painter, it->second, target, scale);
        return;
    }
    }
}

void ImageView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(60, 60, 60));
    if (m_imageSize.isEmpty()) {
        p.setPen(QColor(220, 220, 220));
        p.drawText(rect(), Qt::AlignCenter, tr("Open an image or a .sem file (File menu, or drop it here)"));
        return;
    }
    const QRectF target = imageRect();
    const double s = zoom();
    if (!m_split) {
        drawLayer(p, m_left, target, s);
        label(p, labelText(m_left), true);  // what the single view shows and what it costs
        return;
    }
    const double x = dividerX();
    const QRectF leftSide(0, 0, x, height()), rightSide(x, 0, width() - x, height());
    p.save();
    p.setClipRect(leftSide);
    drawLayer(p, m_left, target, s, leftSide);
    p.restore();
    p.save();
    p.setClipRect(rightSide);
    drawLayer(p, m_right, target, s, rightSide);
    p.restore();

    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(Qt::white, 2));
    p.drawLine(QPointF(x, 0), QPointF(x, height()));
    p.setBrush(Qt::white);
    p.drawEllipse(QPointF(x, height() / 2.0), 7, 7);
    label(p, labelText(m_left), true);
    label(p, labelText(m_right), false);
}

namespace {
// A label wraps only between its parts ("PSNR 16.52 dB" stays on one line).
QString wrappableAtDots(QString text)
{
    const QChar nbsp(0x00A0);
    text.replace(QLatin1Char(' '), nbsp);
    text.replace(QString(nbsp) + QChar(0x00B7) + nbsp, QStringLiteral(" · "));
    return text;
}
}  // namespace

QRectF ImageView::labelRect(const QString& plain, bool left) const
{
    const QString text = wrappableAtDots(plain);
    // Wrapped to the width of its side of the divider (the name, then the measures), never clipped.
    // The single view's label sits at the top left, wrapped to the view's width.
    const double x = m_split ? dividerX() : 0.0;
    const int room = std::max(60, int(!m_split ? width() : left ? x : width() - x) - 16);
    const QFontMetrics fm(font());
    const QRect box = fm.boundingRect(QRect(0, 0, room - 12, 10000), Qt::AlignLeft | Qt::TextWordWrap, text);
    const double w = box.width() + 12.0, h = box.height() + 6.0;
    if (!m_split)
        return QRectF(8, 8, w, h);
    return QRectF(left ? x - w - 8 : x + 8, 8, w, h);
}

void ImageView::label(QPainter& p, const QString& plain, bool left) const
{
    const QRectF r = labelRect(plain, left);
    const QString text = wrappableAtDots(plain);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0, 0, 0, 160));
    p.drawRoundedRect(r, 4, 4);
    p.setPen(Qt::white);
    p.drawText(r.adjusted(6, 3, -6, -3), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, text);
}

QImage ImageView::renderImage() const
{
    if (m_imageSize.isEmpty())
        return {};
    QImage out(m_imageSize, QImage::Format_RGB32);
    out.fill(Qt::black);
    QPainter p(&out);
    const QRectF target(QPointF(0, 0), QSizeF(m_imageSize));
    if (!m_split) {
        drawLayer(p, m_left, target, 1.0);
        return out;
    }
    const double x = std::clamp(widgetToImage(QPointF(dividerX(), 0)).x(), 0.0, double(m_imageSize.width()));
    p.save();
    const QRectF leftSide(0, 0, x, m_imageSize.height());
    const QRectF rightSide(x, 0, m_imageSize.width() - x, m_imageSize.height());
    p.setClipRect(leftSide);
    drawLayer(p, m_left, target, 1.0, leftSide);
    p.restore();
    p.setClipRect(rightSide);
    drawLayer(p, m_right, target, 1.0, rightSide);
    return out;
}

void ImageView::resizeEvent(QResizeEvent*)
{
    changed();
}

bool ImageView::nearDivider(QPointF p) const
{
    return m_split && std::abs(p.x() - dividerX()) <= kDividerGrab;
}

void ImageView::wheelEvent(QWheelEvent* event)
{
    if (m_imageSize.isEmpty())
        return;
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0)
        return;
    zoomAt(zoom() * std::pow(1.25, steps), event->position());
    event->accept();
}

void ImageView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_lastMouse = event->position();
    m_drag = nearDivider(event->position()) ? Drag::Divider : Drag::Pan;
    if (m_drag == Drag::Pan)
        setCursor(Qt::ClosedHandCursor);
}

void ImageView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if (m_drag == Drag::Divider) {
        setSplitPosition(width() > 0 ? pos.x() / width() : 0.5);
    } else if (m_drag == Drag::Pan) {
        panBy(pos - m_lastMouse);
    } else {
        setCursor(nearDivider(pos) ? Qt::SplitHCursor : Qt::OpenHandCursor);
    }
    m_lastMouse = pos;
}

void ImageView::mouseReleaseEvent(QMouseEvent*)
{
    m_drag = Drag::None;
    setCursor(Qt::OpenHandCursor);
}

void ImageView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (m_fit)
        zoomAt(1.0, event->position());
    else
        zoomToFit();
}

}  // namespace sem::ui

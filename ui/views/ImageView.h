#pragma once
#include <QImage>
#include <QPainter>
#include <QPointF>
#include <QWidget>
#include <map>

#include "ui/views/ImagePyramid.h"

namespace sem::ui {

// The image area: the original, the edge overlay (edges drawn over a dimmed original) or the
// hint-only reconstruction, or a split view of any two of them with a draggable divider.
// Both sides of a split share one zoom and pan, so they stay aligned. Zoom: fit, 100 %, steps,
// mouse wheel (about the cursor); drag to pan; double-click toggles fit / 100 %.
class ImageView : public QWidget {
    Q_OBJECT
public:
    // Reconstruction: the decoder's output (or its latest preview); Jpeg/Webp/WebpDownscale: the
    // classical codecs at the bpp of the current .sem (the compare view).
    enum class Layer { Original = 0, Edges = 1, Hint = 2, Reconstruction = 3, Jpeg = 4, Webp = 5, WebpDownscale = 6 };
    static QString layerName(Layer layer);

    explicit ImageView(QWidget* parent = nullptr);

    // The image size in pixels; the layers are drawn stretched to it (the edge map is smaller).
    void setImageSize(QSize size);
    QSize imageSize() const { return m_imageSize; }
    void setOriginal(const QImage& image);  // may be null (a .sem opened without its source)
    void setOriginal(const ImagePyramid& pyramid);
    void setEdgeOverlay(const QImage& overlay);
    void setEdgeOverlay(const ImagePyramid& overlay);  // built on a worker thread
    void setHint(const QImage& image);
    void setHint(const ImagePyramid& pyramid);  // built on a worker thread
    // The images of Reconstruction and the compare layers (null pyramid: none yet).
    void setLayerImage(Layer layer, const ImagePyramid& pyramid);  // an empty pyramid also clears the note
    // A short measurement shown after the layer's name in its label and tooltip ("NIQE 3.41");
    // empty for none. Cleared with the layer's image and by clear().
    void setLayerNote(Layer layer, const QString& note);
    QString layerNote(Layer layer) const;
    QString labelText(Layer layer) const;  // the name, and the note after " · " when there is one
    // Where a label is drawn: a split side's (wrapped to its side's width), or the single view's at
    // the top left (`left` ignored). For tests.
    QRectF labelRect(const QString& text, bool left) const;
    bool hasLayerImage(Layer layer) const;
    QImage layerImage(Layer layer) const;
    void clear();
    const QImage& edgeOverlay() const { return m_edges.full(); }
    bool hasOriginal() const { return !m_original.isNull(); }
    bool hasHint() const { return !m_hint.isNull(); }

    void setLayer(Layer layer);             // the single view, and the left side of a split
    void setSecondLayer(Layer layer);       // the right side of a split
    Layer layer() const { return m_left; }
    Layer secondLayer() const { return m_right; }
    void setSplit(bool on);
    bool isSplit() const { return m_split; }
    void setSplitPosition(double fraction);  // divider position as a fraction of the width, 0..1
    double splitPosition() const { return m_splitPos; }

    bool isFitMode() const { return m_fit; }
    double zoom() const;  // effective scale: widget pixels per image pixel
    void zoomToFit();
    void setZoom(double scale);  // 1.0 = 100 %; keeps the view centre
    void zoomIn();
    void zoomOut();
    void zoomAt(double scale, QPointF widgetPos);  // keeps the image point under widgetPos fixed
    void panBy(QPointF widgetDelta);
    QPointF viewCenter() const;  // image point at the widget centre
    QPointF widgetToImage(QPointF p) const;
    QPointF imageToWidget(QPointF p) const;

    // What the view shows (the single layer, or the split at the divider), at image resolution.
    QImage renderImage() const;

    static constexpr double kMinZoom = 0.01;
    static constexpr double kMaxZoom = 32.0;

signals:
    void zoomChanged(double scale);
    void splitPositionChanged(double fraction);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    enum class Drag { None, Pan, Divider };
    QRectF imageRect() const;  // the image in widget coordinates
    double dividerX() const { return m_splitPos * width(); }
    bool nearDivider(QPointF p) const;
    static void drawPyramid(QPainter& painter, const ImagePyramid& pyramid, const QRectF& target, double scale);
    // `visible`: the part of the widget this layer is seen in (a split's side); its placeholder
    // text is centred there. Null: all of `target`.
    void drawLayer(QPainter& painter, Layer layer, const QRectF& target, double scale,
                   const QRectF& visible = QRectF()) const;
    void label(QPainter& painter, const QString& text, bool left) const;
    void clampCenter();
    void changed();

    QSize m_imageSize;
    ImagePyramid m_original, m_hint, m_edges;
    std::map<int, ImagePyramid> m_extra;  // Reconstruction and the compare layers
    std::map<int, QString> m_notes;
    void updateToolTip();
    Layer m_left = Layer::Original;
    Layer m_right = Layer::Edges;
    bool m_split = false;
    double m_splitPos = 0.5;
    bool m_fit = true;
    double m_zoom = 1.0;
    QPointF m_center;
    Drag m_drag = Drag::None;
    QPointF m_lastMouse;
    double m_lastEmittedZoom = 0.0;
};

}  // namespace sem::ui

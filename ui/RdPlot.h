#pragma once
#include <QString>
#include <QVector>
#include <QWidget>
#include <map>

class QCustomPlot;
class QCPGraph;

namespace sem::ui {

// One rate-distortion point: bits per pixel and PSNR (dB).
struct RdPoint {
    double bpp = 0.0;
    double psnr = 0.0;
    QString label;  // shown in the tooltip ("jpeg q 12", "decode: 20 steps dpm++")
};

// The bpp-vs-PSNR plot (DESIGN §7): this image's baseline curves and the decoded operating points.
// Log bpp axis. Hover shows the nearest point's values (QToolTip); savePng/savePdf export it.
class RdPlot : public QWidget {
    Q_OBJECT
public:
    explicit RdPlot(QWidget* parent = nullptr);

    void setBaselines(const std::map<QString, QVector<RdPoint>>& curves);  // replaces all curves
    void addDecodedPoint(const RdPoint& point);
    void clear();  // curves and points (a new image)
    void setMessage(const QString& text);  // e.g. "computing baselines…"

    int curveCount() const { return int(m_curves.size()); }
    int decodedPointCount() const { return m_decoded.size(); }
    QVector<RdPoint> decodedPoints() const { return m_decoded; }
    // The nearest point within `maxPixels` of widget position `pos` in the plot; false if none.
    bool nearestPoint(QPoint pos, RdPoint* out, double maxPixels = 20.0) const;
    QPoint pixelOf(double bpp, double psnr) const;  // plot widget coordinates of a data point
    QString message() const { return m_messageText; }

    bool savePng(const QString& path, int width = 900, int height = 600);
    bool savePdf(const QString& path, int width = 900, int height = 600);
    QCustomPlot* plot() const { return m_plot; }

private:
    void rebuild();
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot = nullptr;
    std::map<QString, QVector<RdPoint>> m_curves;
    QVector<RdPoint> m_decoded;
    QString m_messageText;
};

}  // namespace sem::ui

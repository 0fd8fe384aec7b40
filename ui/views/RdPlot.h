#pragma once
#include <QString>
#include <QVector>
#include <QWidget>
#include <limits>
#include <map>

class QComboBox;
class QCustomPlot;
class QCPGraph;

namespace sem::ui {

// One rate-distortion point: bits per pixel, PSNR (dB), MS-SSIM and NIQE (no reference, lower is
// more natural; core/metrics/Niqe.h). NaN: not measured (NIQE: also under 192x96 or flat).
struct RdPoint {
    double bpp = 0.0;
    double psnr = 0.0;
    QString label;  // shown in the tooltip ("jpeg q 12", "decode: 20 steps dpm++")
    double msSsim = std::numeric_limits<double>::quiet_NaN();
    double niqe = std::numeric_limits<double>::quiet_NaN();
};

// The bpp-vs-quality plot (DESIGN §7): this image's baseline curves and the decoded operating points.
// Log bpp axis; the y axis shows PSNR, MS-SSIM or NIQE (a combo box above the plot, or setMetric).
// Hover shows the nearest point's values (QToolTip); savePng/savePdf export it.
class RdPlot : public QWidget {
    Q_OBJECT
public:
    explicit RdPlot(QWidget* parent = nullptr);
    static constexpr int kMinimumHeight = 220;  // pixels, the metric row included

    enum class Metric { Psnr = 0, MsSsim = 1, Niqe = 2 };
    void setMetric(Metric metric);  // also sets the combo box
    Metric metric() const { return m_metric; }
    static double value(const RdPoint& p, Metric metric);

    void setBaselines(const std::map<QString, QVector<RdPoint>>& curves);  // replaces all curves
    void addDecodedPoint(const RdPoint& point);
    // Sets the MS-SSIM and NIQE of the decoded point `index` (measured after it was added).
    void setDecodedPointScores(int index, double msSsim, double niqe);
    void clear();  // curves and points (a new image)
    void setMessage(const QString& text);  // e.g. "computing baselines…"

    int curveCount() const { return int(m_curves.size()); }
    int decodedPointCount() const { return m_decoded.size(); }
    QVector<RdPoint> decodedPoints() const { return m_decoded; }
    // The nearest point within `maxPixels` of widget position `pos` in the plot; false if none.
    bool nearestPoint(QPoint pos, RdPoint* out, double maxPixels = 20.0) const;
    QPoint pixelOf(double bpp, double y) const;  // plot widget coordinates of a data point (y: the metric shown)
    QString message() const { return m_messageText; }

    bool savePng(const QString& path, int width = 900, int height = 600);
    bool savePdf(const QString& path, int width = 900, int height = 600);
    QCustomPlot* plot() const { return m_plot; }

private:
    void rebuild();
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot = nullptr;
    QComboBox* m_metricBox = nullptr;
    Metric m_metric = Metric::Psnr;
    std::map<QString, QVector<RdPoint>> m_curves;
    QVector<RdPoint> m_decoded;
    QString m_messageText;
};

}  // namespace sem::ui

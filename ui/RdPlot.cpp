#include "ui/RdPlot.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <qcustomplot.h>

namespace sem::ui {

namespace {
const QColor kColours[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(148, 103, 189),
                           QColor(140, 86, 75), QColor(227, 119, 194)};
}

RdPlot::RdPlot(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(180);
    layout->addWidget(m_plot);
    m_plot->xAxis->setLabel(tr("bits per pixel"));
    m_plot->yAxis->setLabel(tr("PSNR (dB)"));
    m_plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_plot->xAxis->setRange(0.004, 0.6);
    m_plot->yAxis->setRange(10, 40);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    // The legend in its own column right of the axes, so it never hides a point.
    m_plot->plotLayout()->addElement(0, 1, m_plot->legend);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, &RdPlot::onMouseMove);
    rebuild();
}

void RdPlot::setBaselines(const std::map<QString, QVector<RdPoint>>& curves)
{
    m_curves = curves;
    rebuild();
}

void RdPlot::addDecodedPoint(const RdPoint& point)
{
    m_decoded.append(point);
    rebuild();
}

void RdPlot::clear()
{
    m_curves.clear();
    m_decoded.clear();
    m_messageText.clear();
    rebuild();
}

void RdPlot::setMessage(const QString& text)
{
    m_messageText = text;
    rebuild();
}

void RdPlot::rebuild()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    double yMin = std::numeric_limits<double>::max(), yMax = std::numeric_limits<double>::lowest();
    auto track = [&](double y) {
        if (std::isfinite(y)) {
            yMin = std::min(yMin, y);
            yMax = std::max(yMax, y);
        }
    };
    int colour = 0;
    for (const auto& [name, points] : m_curves) {
        QCPGraph* g = m_plot->addGraph();
        g->setName(name);
        const QColor c = kColours[colour++ % int(std::size(kColours))];
        g->setPen(QPen(c, 1.5));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, c, 4));
        QVector<double> x, y;
        for (const RdPoint& p : points)
            if (p.bpp > 0 && std::isfinite(p.psnr)) {
                x << p.bpp;
                y << p.psnr;
                track(p.psnr);
            }
        g->setData(x, y);
    }
    if (!m_decoded.isEmpty()) {
        QCPGraph* g = m_plot->addGraph();
        g->setName(tr("SemCompress decodes"));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(Qt::red, 2), Qt::red, 11));
        QVector<double> x, y;
        for (const RdPoint& p : m_decoded)
            if (p.bpp > 0 && std::isfinite(p.psnr)) {
                x << p.bpp;
                y << p.psnr;
                track(p.psnr);
            }
        g->setData(x, y);
    }
    if (yMin <= yMax)
        m_plot->yAxis->setRange(std::floor(yMin - 1.0), std::ceil(yMax + 1.0));
    if (!m_messageText.isEmpty()) {
        auto* text = new QCPItemText(m_plot);
        text->position->setType(QCPItemPosition::ptAxisRectRatio);
        text->position->setCoords(0.5, 0.08);
        text->setText(m_messageText);
        text->setColor(Qt::darkGray);
    }
    m_plot->replot();
}

QPoint RdPlot::pixelOf(double bpp, double psnr) const
{
    return QPointF(m_plot->xAxis->coordToPixel(bpp), m_plot->yAxis->coordToPixel(psnr)).toPoint();
}

bool RdPlot::nearestPoint(QPoint pos, RdPoint* out, double maxPixels) const
{
    double best = maxPixels * maxPixels;
    bool found = false;
    auto consider = [&](const RdPoint& p) {
        if (p.bpp <= 0 || !std::isfinite(p.psnr))
            return;
        const QPoint q = pixelOf(p.bpp, p.psnr);
        const double dx = q.x() - pos.x(), dy = q.y() - pos.y();
        if (dx * dx + dy * dy <= best) {
            best = dx * dx + dy * dy;
            *out = p;
            found = true;
        }
    };
    for (const auto& [name, points] : m_curves)
        for (const RdPoint& p : points)
            consider(p);
    for (const RdPoint& p : m_decoded)
        consider(p);
    return found;
}

void RdPlot::onMouseMove(QMouseEvent* event)
{
    RdPoint p;
    if (nearestPoint(event->pos(), &p))
        QToolTip::showText(event->globalPosition().toPoint(),
                           tr("%1\n%2 bpp, %3 dB")
                               .arg(p.label)
                               .arg(QString::number(p.bpp, 'f', 4))
                               .arg(QString::number(p.psnr, 'f', 2)),
                           m_plot);
    else
        QToolTip::hideText();
}

bool RdPlot::savePng(const QString& path, int width, int height)
{
    return m_plot->savePng(path, width, height);
}

bool RdPlot::savePdf(const QString& path, int width, int height)
{
    return m_plot->savePdf(path, width, height);
}

}  // namespace sem::ui

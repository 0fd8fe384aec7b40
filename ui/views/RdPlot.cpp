#include "ui/views/RdPlot.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
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
    // A plot squeezed to a strip (~60 px) shows nothing: keep room for the axes and a few points.
    setMinimumHeight(kMinimumHeight);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(4, 2, 4, 0);
    row->addWidget(new QLabel(tr("y axis:"), this));
    m_metricBox = new QComboBox(this);
    m_metricBox->addItem(tr("PSNR (dB)"), int(Metric::Psnr));
    m_metricBox->addItem(tr("MS-SSIM"), int(Metric::MsSsim));
    m_metricBox->addItem(tr("NIQE (lower is more natural)"), int(Metric::Niqe));
    m_metricBox->setToolTip(tr("PSNR and MS-SSIM compare with the original (higher is better); NIQE needs no "
                               "reference and measures how natural the image looks (lower is better)."));
    row->addWidget(m_metricBox);
    row->addStretch(1);
    layout->addLayout(row);
    connect(m_metricBox, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int i) { setMetric(Metric(m_metricBox->itemData(i).toInt())); });
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(kMinimumHeight - 40);  // below the metric row
    layout->addWidget(m_plot);
    m_plot->xAxis->setLabel(tr("bits per pixel"));
    m_plot->yAxis->setLabel(tr("PSNR (dB)"));
    m_plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_plot->xAxis->setRange(0.004, 0.6);
    m_plot->yAxis->setRange(10, 40);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    // The legend in its own column right of the axes, so it never hides a point. Above an empty
    // element that takes the rest of the column: a grid row is no taller than the smallest maximum
    // of its elements, and the legend's is its text's height, which squeezed the axes to a strip
    // of ~100 px (less while the curves were computed and the legend was empty).
    auto* legendColumn = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 1, legendColumn);
    legendColumn->setMargins(QMargins(0, 0, 0, 0));
    legendColumn->addElement(0, 0, m_plot->legend);
    legendColumn->addElement(1, 0, new QCPLayoutElement(m_plot));
    legendColumn->setRowStretchFactor(0, 0.001);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, &RdPlot::onMouseMove);
    rebuild();
}

double RdPlot::value(const RdPoint& p, Metric metric)
{
    switch (metric) {
    case Metric::Psnr: return p.psnr;
    case Metric::MsSsim: return p.msSsim;
    case Metric::Niqe: return p.niqe;
    }
    return p.psnr;
}

void RdPlot::setMetric(Metric metric)
{
    if (m_metric == metric && m_metricBox->currentData().toInt() == int(metric))
        return;
    m_metric = metric;
    const int i = m_metricBox->findData(int(metric));
    if (i >= 0 && i != m_metricBox->currentIndex())
        m_metricBox->setCurrentIndex(i);  // re-enters with the same metric: returns above
    m_plot->yAxis->setLabel(m_metricBox->itemText(m_metricBox->findData(int(metric))));
    rebuild();
}

void RdPlot::setDecodedPointScores(int index, double msSsim, double niqe)
{
    if (index < 0 || index >= m_decoded.size())
        return;
    m_decoded[index].msSsim = msSsim;
    m_decoded[index].niqe = niqe;
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
            if (p.bpp > 0 && std::isfinite(value(p, m_metric))) {
                x << p.bpp;
                y << value(p, m_metric);
                track(value(p, m_metric));
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
            if (p.bpp > 0 && std::isfinite(value(p, m_metric))) {
                x << p.bpp;
                y << value(p, m_metric);
                track(value(p, m_metric));
            }
        g->setData(x, y);
    }
    if (yMin <= yMax) {
        if (m_metric == Metric::MsSsim)  // 0..1: a margin of 0.02, on multiples of 0.05
            m_plot->yAxis->setRange(std::max(0.0, std::floor((yMin - 0.02) * 20.0) / 20.0),
                                    std::min(1.0, std::ceil((yMax + 0.02) * 20.0) / 20.0));
        else if (m_metric == Metric::Niqe)
            m_plot->yAxis->setRange(std::max(0.0, std::floor(yMin - 0.5)), std::ceil(yMax + 0.5));
        else
            m_plot->yAxis->setRange(std::floor(yMin - 1.0), std::ceil(yMax + 1.0));
    }
    m_plot->legend->setVisible(m_plot->graphCount() > 0);  // no empty frame while computing
    if (!m_messageText.isEmpty()) {
        auto* text = new QCPItemText(m_plot);
        text->position->setType(QCPItemPosition::ptAxisRectRatio);
        text->position->setCoords(0.5, 0.08);
        text->setText(m_messageText);
        text->setColor(Qt::darkGray);
    }
    m_plot->replot();
}

QPoint RdPlot::pixelOf(double bpp, double y) const
{
    return QPointF(m_plot->xAxis->coordToPixel(bpp), m_plot->yAxis->coordToPixel(y)).toPoint();
}

bool RdPlot::nearestPoint(QPoint pos, RdPoint* out, double maxPixels) const
{
    double best = maxPixels * maxPixels;
    bool found = false;
    auto consider = [&](const RdPoint& p) {
        if (p.bpp <= 0 || !std::isfinite(value(p, m_metric)))
            return;
        const QPoint q = pixelOf(p.bpp, value(p, m_metric));
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
    if (nearestPoint(event->pos(), &p)) {
        QString text = tr("%1\n%2 bpp, %3 dB")
                           .arg(p.label)
                           .arg(QString::number(p.bpp, 'f', 4))
                           .arg(std::isfinite(p.psnr) ? QString::number(p.psnr, 'f', 2) : tr("inf"));
        if (std::isfinite(p.msSsim))
            text += tr(", MS-SSIM %1").arg(QString::number(p.msSsim, 'f', 4));
        if (std::isfinite(p.niqe))
            text += tr(", NIQE %1").arg(QString::number(p.niqe, 'f', 2));
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    }
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

// MainWindow: the compare view (JPEG / WebP / downscale+WebP at the .sem's size, each labelled with
// its real size and quality), the reconstruction's label, the results table and the status line's
// result (issue 20: comparisons that are honest).
#include <QDockWidget>
#include <QFutureWatcher>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>
#include <map>

#include "core/baselines/Baselines.h"
#include "core/metrics/Metrics.h"
#include "core/metrics/Niqe.h"
#include "ui/views/ImageConversion.h"
#include "ui/views/LayerNotes.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"
#include "ui/views/RdPlot.h"
#include "ui/views/ResultsTable.h"
#include "ui/views/ViewMeasure.h"

namespace sem::ui {

namespace {

struct CompareOutcome {
    std::map<int, ImagePyramid> layers;
    std::map<int, ViewMeasure> measures;  // per compare layer
    QString originalNote;                 // "NIQE 3.41", or empty
    QString error;
};

bool isCompareLayer(ImageView::Layer l)
{
    return l == ImageView::Layer::Jpeg || l == ImageView::Layer::Webp || l == ImageView::Layer::WebpDownscale;
}

QString niqeText(double niqe)
{
    return std::isfinite(niqe) ? MainWindow::tr("NIQE %1").arg(QString::number(niqe, 'f', 2)) : QString();
}

}  // namespace

void MainWindow::buildResults()
{
    m_results = new ResultsTable(this);
    m_resultsDock = new QDockWidget(tr("Results"), this);
    m_resultsDock->setObjectName("resultsDock");
    m_resultsDock->setWidget(m_results);
    m_resultLabel = new QLabel(this);
    m_resultLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never widens the window
    connect(this, &MainWindow::decodeFinished, this, &MainWindow::measureLastDecode);
    connect(this, &MainWindow::decodeScoresUpdated, this, [this] {
        // MS-SSIM and NIQE of the decodes arrive later, onto the plot's points.
        const QVector<RdPoint> points = m_plot->decodedPoints();
        for (int i = 0; i < points.size() && i < m_results->decodeCount(); ++i) {
            ViewMeasure m = m_results->decodeMeasure(i);
            if (std::isfinite(points[i].niqe) && !(m.niqe == points[i].niqe)) {
                m.niqe = points[i].niqe;
                m_results->setDecode(i, points[i].label, m);
            }
        }
        showDecodeMeasure(m_results->decodeCount() - 1);
    });
}

void MainWindow::clearResults()
{
    m_results->clear();
    m_resultLabel->clear();
}

void MainWindow::measureLastDecode()
{
    const int index = m_plot->decodedPointCount() - 1;
    if (index < 0 || m_doc->reconstruction().empty())
        return;
    ViewMeasure m;
    m.bytes = m_ratePanel->breakdown().total;  // the file as saved now: with this decode's record
    m.bpp = m_ratePanel->bpp();
    m_results->setDecode(index, m_plot->decodedPoints().at(index).label, m);
    showDecodeMeasure(index);
    if (m_doc->image().empty())
        return;  // a .sem opened on its own: nothing to compare with
    const std::uint64_t generation = m_doc->generation();
    auto* watcher = new QFutureWatcher<std::pair<double, double>>(this);
    connect(watcher, &QFutureWatcher<std::pair<double, double>>::finished, this, [this, watcher, index, generation] {
        const auto [psnr, ssim] = watcher->result();
        watcher->deleteLater();
        if (generation != m_doc->generation() || index >= m_results->decodeCount())
            return;
        ViewMeasure updated = m_results->decodeMeasure(index);
        updated.psnr = psnr;
        updated.ssim = ssim;
        if (index < m_plot->decodedPointCount() && std::isfinite(m_plot->decodedPoints().at(index).niqe))
            updated.niqe = m_plot->decodedPoints().at(index).niqe;
        m_results->setDecode(index, m_plot->decodedPoints().value(index).label, updated);
        showDecodeMeasure(index);
        emit resultsUpdated();
    });
    watcher->setFuture(QtConcurrent::run([original = m_doc->image(), decoded = m_doc->reconstruction()] {
        return std::make_pair(metrics::psnr(original, decoded), metrics::ssim(original, decoded));
    }));
}

void MainWindow::showDecodeMeasure(int index)
{
    if (index < 0 || index >= m_results->decodeCount() || index != m_results->decodeCount() - 1)
        return;  // the view and the status line show the latest decode
    const ViewMeasure m = m_results->decodeMeasure(index);
    m_view->setLayerNote(ImageView::Layer::Reconstruction, tr("SemCompress · %1").arg(m.note()));
    m_resultLabel->setText(tr("Decode %1: %2").arg(index + 1).arg(m.note()));
    m_resultLabel->setToolTip(m_resultLabel->text());
}

QString MainWindow::resultText() const
{
    return m_resultLabel->text();
}

void MainWindow::showLayers(ImageView::Layer first, std::optional<ImageView::Layer> second)
{
    m_view->setSplit(second.has_value());
    m_view->setLayer(first);
    if (second)
        m_view->setSecondLayer(*second);
    syncViewControls();
    const bool compareShown = isCompareLayer(first) || (second && isCompareLayer(*second));
    if (compareShown && !compareReady() && !m_compareTimer->isActive())
        requestCompare();
}

bool MainWindow::compareReady() const
{
    return m_compareRequest != 0 && m_compareApplied == m_compareRequest;
}

void MainWindow::onRateChangedForCompare()
{
    // The compare layers are for one size; when it changes they go stale. Recompute (debounced)
    // while one of them is on screen, else drop them so that showing one recomputes it.
    if (isCompareLayer(m_view->layer()) || (m_view->isSplit() && isCompareLayer(m_view->secondLayer()))) {
        m_compareTimer->start();
        return;
    }
    ++m_compareRequest;  // a search still running is for the old size
    for (auto l : {ImageView::Layer::Jpeg, ImageView::Layer::Webp, ImageView::Layer::WebpDownscale})
        m_view->setLayerImage(l, ImagePyramid());
    m_results->setBaselines({});
}

void MainWindow::requestCompare()
{
    if (m_doc->image().empty() || !hasDocument())
        return;
    const std::size_t bytes = m_ratePanel->breakdown().total;
    if (bytes == 0)
        return;
    const std::uint64_t id = ++m_compareRequest;
    const std::uint64_t generation = m_doc->generation();
    const cv::Mat image = m_doc->image();
    auto* watcher = new QFutureWatcher<CompareOutcome>(this);
    connect(watcher, &QFutureWatcher<CompareOutcome>::finished, this, [this, watcher, id, generation] {
        const CompareOutcome out = watcher->result();
        watcher->deleteLater();
        if (generation != m_doc->generation() || id != m_compareRequest)
            return;
        m_compareApplied = id;
        QVector<ResultsTable::Entry> rows;
        for (const auto& [layer, pyramid] : out.layers)
            m_view->setLayerImage(ImageView::Layer(layer), pyramid);
        for (const auto& [layer, measure] : out.measures) {
            m_view->setLayerNote(ImageView::Layer(layer), measure.note());
            rows.append({ImageView::layerName(ImageView::Layer(layer)) + QLatin1Char(' ') + measure.setting, measure});
        }
        m_view->setLayerNote(ImageView::Layer::Original, LayerNotes::join(m_originalNote, out.originalNote));
        m_results->setBaselines(rows);
        if (!out.error.isEmpty())
            statusBar()->showMessage(out.error, 8000);
        emit compareUpdated();
    });
    watcher->setFuture(QtConcurrent::run([image, bytes] {
        CompareOutcome out;
        const std::pair<ImageView::Layer, BaselineCodec> codecs[] = {
            {ImageView::Layer::Jpeg, BaselineCodec::Jpeg},
            {ImageView::Layer::Webp, BaselineCodec::Webp},
            {ImageView::Layer::WebpDownscale, BaselineCodec::WebpDownscale}};
        for (const auto& [layer, codec] : codecs) {
            try {
                const BaselineResult r = ViewMeasure::baselineAtSize(image, codec, bytes);
                out.layers[int(layer)] = ImagePyramid(toQImage(r.decoded));
                out.measures[int(layer)] = ViewMeasure::ofBaseline(r, image, bytes);
            } catch (const std::exception& e) {
                out.error = QString::fromUtf8(e.what());
            }
        }
        if (metrics::niqeSizeOk(image.cols, image.rows))
            out.originalNote = niqeText(metrics::niqe(image));
        return out;
    }));
}

}  // namespace sem::ui

// MainWindow: the edge and hint streams computed off the GUI thread, the caption, and the rate.
#include <QStatusBar>
#include <cmath>

#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/RateLadder.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/FitLadder.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/views/ImageConversion.h"
#include "ui/views/LayerNotes.h"
#include "ui/workers/JobCoalescer.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"

namespace sem::ui {

struct MainWindow::EdgeOutcome {
    std::vector<std::uint8_t> bytes;
    ImagePyramid overlay;
    int mapWidth = 0, mapHeight = 0;
    long long edgePixels = 0;
    double low = 0.0, high = 0.0;
    QString error;
};

struct MainWindow::HintOutcome {
    std::optional<std::vector<std::uint8_t>> bytes;  // nullopt: hint off
    ImagePyramid upsampled;
    int thumbWidth = 0, thumbHeight = 0;
    double psnr = LayerNotes::kNaN;  // the upsampled hint against the original
    QString error;
};

MainWindow::EdgeOutcome MainWindow::computeEdges(const cv::Mat& bgr, const CannyParams& params)
{
    EdgeOutcome out;
    try {
        const EdgeMap map = EdgeExtractor::extract(bgr, params);
        out.bytes = EdgeCodec::encode(map);
        out.overlay = ImagePyramid(edgeOverlayImage(map));
        out.mapWidth = map.width;
        out.mapHeight = map.height;
        out.edgePixels = map.edgePixels();
        out.low = params.low;
        out.high = params.high;
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
    }
    return out;
}

MainWindow::HintOutcome MainWindow::computeHint(const cv::Mat& bgr, const HintParams& params)
{
    HintOutcome out;
    if (params.factor == 0)
        return out;
    try {
        std::vector<std::uint8_t> bytes = HintCodec::encode(bgr, params);
        const cv::Size thumb = HintCodec::thumbnailSize(bgr.cols, bgr.rows, params.factor);
        const cv::Mat upsampled = HintCodec::decodeUpsampled(bytes.data(), bytes.size(), bgr.cols, bgr.rows);
        out.upsampled = ImagePyramid(toQImage(upsampled));
        out.psnr = metrics::psnr(bgr, upsampled);
        out.thumbWidth = thumb.width;
        out.thumbHeight = thumb.height;
        out.bytes = std::move(bytes);
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
    }
    return out;
}

void MainWindow::requestEdges()
{
    if (m_doc->image().empty())
        return;
    const std::uint64_t id = ++m_edgeRequested;
    const std::uint64_t generation = m_doc->generation();
    syncSettings();
    const cv::Mat image = m_doc->image();  // shared, read-only
    const CannyParams params = m_doc->settings().canny;
    m_edgeJobs->submit([this, id, generation, image, params]() -> JobCoalescer::Apply {
        EdgeOutcome outcome = computeEdges(image, params);
        return [this, id, generation, outcome = std::move(outcome)] { applyEdges(id, generation, outcome); };
    });
    updateStatusBar();
}

void MainWindow::requestHint()
{
    if (m_doc->image().empty())
        return;
    const std::uint64_t id = ++m_hintRequested;
    const std::uint64_t generation = m_doc->generation();
    syncSettings();
    const cv::Mat image = m_doc->image();
    const HintParams params = m_doc->settings().hint;
    m_hintJobs->submit([this, id, generation, image, params]() -> JobCoalescer::Apply {
        HintOutcome outcome = computeHint(image, params);
        return [this, id, generation, outcome = std::move(outcome)] { applyHint(id, generation, outcome); };
    });
    updateStatusBar();
}

void MainWindow::applyEdges(std::uint64_t id, std::uint64_t imageGeneration, const EdgeOutcome& outcome)
{
    if (imageGeneration != m_doc->generation() || id <= m_edgeApplied)
        return;  // for another image, or older than what is shown
    m_edgeApplied = id;
    if (!outcome.error.isEmpty()) {
        m_doc->setEdgeError(outcome.error);
        m_view->setEdgeOverlay(ImagePyramid());
        m_view->setLayerNote(ImageView::Layer::Edges, QString());
        m_edgePanel->setError(outcome.error);
    } else {
        m_doc->setEdges(outcome.bytes, outcome.low, outcome.high);
        m_view->setEdgeOverlay(outcome.overlay);
        m_view->setLayerNote(ImageView::Layer::Edges,
                             LayerNotes::edges(outcome.bytes.size(), QSize(outcome.mapWidth, outcome.mapHeight), m_doc->size()));
        m_edgePanel->setResult(outcome.mapWidth, outcome.mapHeight, outcome.edgePixels, outcome.bytes.size());
    }
    updateRate();
    emit edgesUpdated();
}

void MainWindow::applyHint(std::uint64_t id, std::uint64_t imageGeneration, const HintOutcome& outcome)
{
    if (imageGeneration != m_doc->generation() || id <= m_hintApplied)
        return;
    m_hintApplied = id;
    m_doc->setHint(outcome.bytes, outcome.error);
    m_view->setHint(outcome.upsampled);
    m_view->setLayerNote(ImageView::Layer::Hint,
                         outcome.bytes ? LayerNotes::hint(outcome.bytes->size(), QSize(outcome.thumbWidth, outcome.thumbHeight),
                                                          m_doc->size(), outcome.psnr)
                                       : QString());
    if (!outcome.error.isEmpty())
        m_hintPanel->setError(outcome.error);
    else if (outcome.bytes)
        m_hintPanel->setCodedSize(outcome.bytes->size(), outcome.thumbWidth, outcome.thumbHeight);
    else
        m_hintPanel->setOff();
    updateRate();
    emit hintUpdated();
}

void MainWindow::finishStreamsNow()
{
    if (m_doc->image().empty())
        return;
    if (m_edgeApplied != m_edgeRequested) {
        m_edgeJobs->dropPending();
        syncSettings();
        applyEdges(m_edgeRequested, m_doc->generation(), computeEdges(m_doc->image(), m_doc->settings().canny));
    }
    if (m_hintApplied != m_hintRequested) {
        m_hintJobs->dropPending();
        syncSettings();
        applyHint(m_hintRequested, m_doc->generation(), computeHint(m_doc->image(), m_doc->settings().hint));
    }
}

bool MainWindow::streamsCurrent() const
{
    return m_edgeApplied == m_edgeRequested && m_hintApplied == m_hintRequested;
}

bool MainWindow::isBusy() const
{
    return isLoading() || m_edgeJobs->isBusy() || m_hintJobs->isBusy() || m_fitJobs->isBusy() || !streamsCurrent();
}

void MainWindow::resetStreams()
{
    // The document's streams were cleared with its new content (Document::setImage/openSem).
    // Requests of the previous image can no longer apply (generation), so the counters restart level.
    m_edgeApplied = m_edgeRequested;
    m_hintApplied = m_hintRequested;
    clearResults();  // a new document: the results were the previous one's
}

DocumentSettings MainWindow::panelSettings() const
{
    DocumentSettings s;
    s.canny = m_edgePanel->params();
    s.hint = m_hintPanel->params();
    s.caption = m_captionPanel->text();
    s.codedCaption = m_captionPanel->coded();
    s.captionError = m_captionPanel->errorText();
    s.writeMetadata = m_ratePanel->writeMetadata();
    return s;
}

void MainWindow::syncSettings() const
{
    m_doc->setSettings(panelSettings());
}

void MainWindow::onEdgeParamsChanged()
{
    m_firstUseTarget = 0.0;  // the rate is set now: no first-use fit
    if (m_doc->image().empty())
        return;
    setDocumentModified(true);
    requestEdges();
}

void MainWindow::onHintParamsChanged()
{
    m_firstUseTarget = 0.0;  // the rate is set now: no first-use fit
    if (m_doc->image().empty())
        return;
    setDocumentModified(true);
    requestHint();
}

void MainWindow::onCaptionChanged()
{
    setDocumentModified(true);
    updateRate();
}

void MainWindow::requestFit(double bpp)
{
    if (m_doc->image().empty())
        return;
    // The file as it would be saved, but at each rung's edge and hint settings: same caption,
    // metadata choice and header records, and the edge settings the ladder leaves alone (blur, ...).
    const SemFile now = currentFile();  // syncs the document's settings from the panels
    const DocumentSettings& settings = m_doc->settings();
    EncodeOptions base;
    base.canny = settings.canny;
    base.hint = settings.hint;
    const auto& caption = settings.codedCaption;
    if (caption && !caption->empty())
        base.caption = settings.caption.toStdString();
    base.writeMetadata = settings.writeMetadata;
    base.modelId = now.modelId;
    base.decode = now.decode;
    const auto budget = static_cast<std::size_t>(std::floor(bpp * double(m_doc->image().cols) * double(m_doc->image().rows) / 8.0));
    // Room is kept for the model id and sampler settings that a later decode records in the header,
    // so the saved file stays within the target whatever decode follows.
    const std::size_t room = now.decodeRecordRoom(m_decodePanel->family());
    const std::uint64_t generation = m_doc->generation();
    const cv::Mat image = m_doc->image();
    const QString modelPath = m_decodePanel->modelPath();  // the decode model's ladder (FitLadder.h)
    const bool firstUse = m_firstUseTarget > 0.0;
    m_ratePanel->setFitResult(tr("Fitting to %1 bpp (%2 bytes)…").arg(bpp).arg(budget));
    m_fitJobs->submit([this, generation, image, base, budget, room, modelPath, firstUse]() -> JobCoalescer::Apply {
        FitChoice choice;
        choice.firstUse = firstUse;
        QString error;
        try {
            const ModelLadder ladder = fitLadder(modelPath);
            choice.ladder = QString::fromStdString(ladder.describe());
            if (budget <= room)
                throw Error("encode: " + std::to_string(budget) + " bytes leave no room for the decode record (" +
                            std::to_string(room) + " bytes)");
            const LadderResult r = RateLadder::encodeWithin(image, base, budget - room, ladder.points());
            choice.rung = r.rung;
            choice.of = ladder.rungs.size();
            choice.point = r.point;
            choice.rungQuality = r.rungQuality;
            choice.bytes = r.bytes;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
            if (budget > room && choice.rung < 0 && !choice.ladder.isEmpty())
                error += tr(" (%1 of the %2 bytes are kept for the decode record)").arg(room).arg(budget);
        }
        return [this, generation, choice, error] { applyFit(generation, choice, error); };
    });
    updateStatusBar();
}

void MainWindow::applyFit(std::uint64_t imageGeneration, const FitChoice& choice, const QString& error)
{
    if (imageGeneration != m_doc->generation() || m_doc->image().empty())
        return;
    if (choice.firstUse && m_firstUseTarget <= 0.0)
        return;  // the user set the rate meanwhile
    m_firstUseTarget = 0.0;  // from now on the panels keep what was chosen
    if (!error.isEmpty()) {
        m_ratePanel->setFitResult(tr("Cannot fit: %1").arg(error));
        return;
    }
    syncSettings();
    EncodeOptions o;
    o.canny = m_doc->settings().canny;
    o.hint = m_doc->settings().hint;
    choice.point.apply(o);
    m_edgePanel->setParams(o.canny);
    m_hintPanel->setParams(o.hint);
    m_ratePanel->setFitResult(choice.text());
    onEdgeParamsChanged();
    onHintParamsChanged();
}

SemFile MainWindow::currentFile() const
{
    syncSettings();
    return m_doc->currentFile();
}

void MainWindow::updateRate()
{
    if (!hasDocument()) {
        m_ratePanel->clear();
    } else {
        try {
            m_ratePanel->setFile(currentFile());
        } catch (const std::exception& e) {
            statusBar()->showMessage(QString::fromUtf8(e.what()), 8000);
        }
    }
    updateStatusBar();
    emit rateUpdated();
}

}  // namespace sem::ui

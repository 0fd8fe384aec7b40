// MainWindow: opening, saving and exporting files, recent files, unsaved-changes prompt.
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>

#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/pipeline/StreamDecoder.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/views/ImageConversion.h"
#include "ui/views/LayerNotes.h"
#include "ui/workers/JobCoalescer.h"
#include "ui/window/MainWindow.h"
#include "ui/window/MainWindowOpenedImage.h"
#include "ui/panels/RatePanel.h"
#include "ui/settings/SettingsRegistry.h"

namespace sem::ui {

namespace {

constexpr int kMaxRecent = 10;

QString errorText(const std::exception& e)
{
    return QString::fromUtf8(e.what());
}

}  // namespace

bool MainWindow::openPath(const QString& path)
{
    return hasSemMagic(path) ? openSem(path) : openImage(path);
}

bool MainWindow::openImage(const QString& path)
{
    const OpenedImage opened = readImageFile(path);
    if (!opened.error.isEmpty()) {
        m_lastError = opened.error;
        return false;
    }
    showOpenedImage(opened, path);
    return true;
}

void MainWindow::showOpenedImage(const OpenedImage& opened, const QString& path)
{
    showImage(opened.bgr, opened.original, QFileInfo(path).fileName());
    m_doc->setImagePath(path);
    const QFileInfo info(path);  // the Original view's label: the size and the file's bytes
    m_originalNote = LayerNotes::original(m_doc->size(), info.size(), info.suffix().toUpper());
    m_view->setLayerNote(ImageView::Layer::Original, m_originalNote);
    for (const std::string& w : opened.warnings)
        statusBar()->showMessage(QString::fromStdString(w), 8000);
    addRecent(path);
}

void MainWindow::setImage(const cv::Mat& bgr, const QString& displayName)
{
    showImage(bgr, ImagePyramid(toQImage(bgr)), displayName);
}

void MainWindow::showImage(const cv::Mat& bgr, const ImagePyramid& original, const QString& displayName)
{
    dropPendingOpen();
    m_edgeJobs->dropPending();
    m_hintJobs->dropPending();
    m_doc->setImage(bgr, displayName);  // a new generation: results for the previous one are dropped
    resetStreams();
    m_view->clear();
    resetDecodeState();
    m_view->setImageSize(m_doc->size());
    m_view->setOriginal(original);
    m_originalNote = LayerNotes::original(m_doc->size());  // showOpenedImage() adds the file's bytes
    m_view->setLayerNote(ImageView::Layer::Original, m_originalNote);
    m_view->setLayer(ImageView::Layer::Original);
    m_view->setSecondLayer(ImageView::Layer::Edges);
    m_view->setSplit(true);
    m_view->setSplitPosition(0.5);
    syncViewControls();
    m_captionPanel->setText(QString());
    m_edgePanel->setEnabled(true);
    m_hintPanel->setEnabled(true);
    m_ratePanel->setEnabled(true);
    m_ratePanel->setFitEnabled(true);
    m_ratePanel->setFitResult(QString());
    requestEdges();
    requestHint();
    if (m_firstUseTarget > 0.0)
        requestFit(m_firstUseTarget);  // first use: the default rate target (setFirstUseTarget)
    requestBaselines();
    updateRate();
    setDocumentModified(false);
    updateTitle();
    updateDecodeAvailability();
}

bool MainWindow::openSem(const QString& path)
{
    DecodedStreams streams;
    try {
        streams = m_doc->openSem(path);  // a new generation; unchanged if the file cannot be read
    } catch (const std::exception& e) {
        m_lastError = errorText(e);
        return false;
    }
    dropPendingOpen();
    m_edgeJobs->dropPending();
    m_hintJobs->dropPending();
    const SemFile& file = m_doc->loadedFile();
    resetStreams();

    m_view->clear();
    resetDecodeState();
    m_view->setImageSize(m_doc->size());
    m_view->setEdgeOverlay(edgeOverlayImage(streams.edges));
    m_view->setHint(toQImage(streams.hintUpsampled));
    const bool hasHint = !streams.hintUpsampled.empty();
    m_originalNote.clear();  // a .sem holds no original
    // What each stream costs (no PSNR for the hint: there is no original to measure it against).
    if (file.edges && !streams.edges.empty())
        m_view->setLayerNote(ImageView::Layer::Edges,
                             LayerNotes::edges(file.edges->size(), QSize(streams.edges.width, streams.edges.height),
                                               m_doc->size()));
    if (hasHint && file.hint)
        m_view->setLayerNote(ImageView::Layer::Hint,
                             LayerNotes::hint(file.hint->size(), QSize(streams.hintThumbnail.cols, streams.hintThumbnail.rows),
                                              m_doc->size()));
    m_view->setLayer(hasHint ? ImageView::Layer::Hint : ImageView::Layer::Edges);
    m_view->setSecondLayer(ImageView::Layer::Edges);
    m_view->setSplit(hasHint);
    syncViewControls();

    // The hint factor follows from the thumbnail size; the rest from the metadata (non-defaults).
    m_edgePanel->setParams(CannyParams{});
    m_hintPanel->setParams(HintParams{hasHint ? m_doc->hintFactorOf(streams.hintThumbnail.cols, streams.hintThumbnail.rows) : 0, -1});
    applySettingsFromMetadata(file.metadataJson());
    if (!streams.edges.empty())
        m_edgePanel->setResult(streams.edges.width, streams.edges.height, streams.edges.edgePixels(),
                               file.edges->size());
    else
        m_edgePanel->setError(tr("This file has no edge stream."));
    if (hasHint)
        m_hintPanel->setCodedSize(file.hint->size(), streams.hintThumbnail.cols, streams.hintThumbnail.rows);
    else
        m_hintPanel->setOff();
    // The streams are fixed without the source image; only the caption stays editable.
    m_edgePanel->setEnabled(false);
    m_hintPanel->setEnabled(false);
    m_ratePanel->setFitEnabled(false);
    m_ratePanel->setFitResult(tr("Fitting to a size needs the source image."));
    m_ratePanel->setWriteMetadata(file.metadata.has_value());
    m_captionPanel->setText(QString::fromStdString(streams.caption));
    m_decodePanel->setSettings(file.decode);
    if (file.decode.present && file.decode.family != m_decodePanel->family())
        statusBar()->showMessage(
            file.decode.family == DecodeSettings::StableDiffusion1
                ? tr("This file was decoded with a Stable Diffusion 1.x model: its settings are kept for when you "
                     "choose one; the Decode panel keeps yours for the built-in model.")
                : tr("This file was decoded with the built-in model: its settings are kept for when you choose it; "
                     "the Decode panel keeps yours for the Stable Diffusion model."),
            15000);
    requestBaselines();
    updateDecodeAvailability();
    updateRate();
    setDocumentModified(false);
    updateTitle();
    addRecent(path);
    return true;
}

void MainWindow::applySettingsFromMetadata(const std::string& json)
{
    const MetadataSettings m = Document::settingsFromMetadata(json);
    if (m.canny)
        m_edgePanel->setParams(*m.canny);
    if (m.hintQuality) {
        HintParams hint = m_hintPanel->params();
        hint.quality = *m.hintQuality;
        m_hintPanel->setParams(hint);
    }
}

bool MainWindow::saveSem(const QString& path)
{
    if (!hasDocument()) {
        m_lastError = tr("There is nothing to save: open an image first.");
        return false;
    }
    finishStreamsNow();
    syncSettings();
    try {
        m_doc->save(path);  // refuses streams or a caption that cannot be coded, naming the problem
    } catch (const std::exception& e) {
        m_lastError = errorText(e);
        return false;
    }
    updateTitle();
    addRecent(path);
    return true;
}

bool MainWindow::exportView(const QString& path)
{
    const QImage image = m_view->renderImage();
    if (image.isNull()) {
        m_lastError = tr("There is nothing to export: open an image first.");
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_lastError = tr("Cannot write %1: %2.").arg(path, file.errorString());
        return false;
    }
    if (!image.save(&file, "PNG")) {
        file.cancelWriting();
        m_lastError = tr("Cannot encode the view as PNG for %1.").arg(path);
        return false;
    }
    if (!file.commit()) {
        m_lastError = tr("Cannot write %1: %2.").arg(path, file.errorString());
        return false;
    }
    return true;
}

QStringList MainWindow::recentFiles() const
{
    return SettingsRegistry::stringList(Setting::RecentFiles);
}

void MainWindow::addRecent(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = SettingsRegistry::stringList(Setting::RecentFiles);
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > kMaxRecent)
        list.removeLast();
    SettingsRegistry::setValue(Setting::RecentFiles, list);
    SettingsRegistry::setValue(Setting::LastDirectory, QFileInfo(absolute).absolutePath());
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList list = recentFiles();
    for (const QString& path : list)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openInteractively(path); })
            ->setToolTip(path);
    if (!list.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, [this] {
            SettingsRegistry::remove(Setting::RecentFiles);
            rebuildRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!list.isEmpty());
}

void MainWindow::showError(const QString& title, const QString& message)
{
    QMessageBox::critical(this, title, message);
}

void MainWindow::openInteractively(const QString& path)
{
    if (!maybeSave())
        return;
    startOpen(path, true, {});
}

void MainWindow::actionOpen()
{
    const QString dir = SettingsRegistry::string(Setting::LastDirectory);
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image or .sem File"), dir,
        tr("Images and .sem files (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp *.sem);;"
           "SemCompress files (*.sem);;All files (*)"));
    if (!path.isEmpty())
        openInteractively(path);
}

bool MainWindow::actionSave()
{
    if (m_doc->semPath().isEmpty())
        return actionSaveAs();
    if (saveSem(m_doc->semPath()))
        return true;
    showError(tr("Cannot save"), m_lastError);
    return false;
}

bool MainWindow::actionSaveAs()
{
    QString suggestion = m_doc->semPath();
    if (suggestion.isEmpty()) {
        const QFileInfo source(m_doc->imagePath().isEmpty() ? m_doc->displayName() : m_doc->imagePath());
        const QString dir = m_doc->imagePath().isEmpty() ? SettingsRegistry::string(Setting::LastDirectory) : source.absolutePath();
        suggestion = dir + QLatin1Char('/') + source.completeBaseName() + QStringLiteral(".sem");
    }
    QString path = QFileDialog::getSaveFileName(this, tr("Save .sem File"), suggestion,
                                                tr("SemCompress files (*.sem)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".sem");
    if (saveSem(path))
        return true;
    showError(tr("Cannot save"), m_lastError);
    return false;
}

void MainWindow::actionExport()
{
    const QFileInfo base(m_doc->semPath().isEmpty() ? (m_doc->imagePath().isEmpty() ? m_doc->displayName() : m_doc->imagePath()) : m_doc->semPath());
    QString path = QFileDialog::getSaveFileName(this, tr("Export View as PNG"),
                                                base.absolutePath() + QLatin1Char('/') + base.completeBaseName()
                                                    + QStringLiteral("-view.png"),
                                                tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    if (!exportView(path))
        showError(tr("Cannot export"), m_lastError);
}

bool MainWindow::maybeSave()
{
    if (!isWindowModified())
        return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved changes"), tr("%1 has unsaved changes. Save them as a .sem file?").arg(m_doc->displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return actionSave();
    return answer == QMessageBox::Discard;
}

}  // namespace sem::ui

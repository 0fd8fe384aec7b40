// MainWindow: opening, saving and exporting files, recent files, unsaved-changes prompt.
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/image/ImageIO.h"
#include "core/pipeline/Encoder.h"
#include "ui/CaptionPanel.h"
#include "ui/DecodePanel.h"
#include "ui/EdgePanel.h"
#include "ui/HintPanel.h"
#include "ui/ImageConversion.h"
#include "ui/JobCoalescer.h"
#include "ui/MainWindow.h"
#include "ui/MainWindowOpenedImage.h"
#include "ui/RatePanel.h"

namespace sem::ui {

namespace {

constexpr int kMaxRecent = 10;
const char* const kRecentKey = "recentFiles";
const char* const kLastDirKey = "lastDirectory";

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
    m_imagePath = path;
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
    ++m_imageGeneration;
    m_edgeJobs->dropPending();
    m_hintJobs->dropPending();
    m_image = bgr;
    m_size = QSize(bgr.cols, bgr.rows);
    m_displayName = displayName;
    m_imagePath.clear();
    m_semPath.clear();
    m_loaded = SemFile{};
    m_fromSem = false;
    resetStreams();
    m_view->clear();
    resetDecodeState();
    m_view->setImageSize(m_size);
    m_view->setOriginal(original);
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
    SemFile file;
    DecodedStreams streams;
    try {
        file = SemFile::load(QFile::encodeName(path).toStdString());
        streams = StreamDecoder::decode(file);
    } catch (const std::exception& e) {
        m_lastError = errorText(e);
        return false;
    }
    dropPendingOpen();
    ++m_imageGeneration;
    m_edgeJobs->dropPending();
    m_hintJobs->dropPending();
    m_image = cv::Mat();
    m_size = QSize(file.width, file.height);
    m_displayName = QFileInfo(path).fileName();
    m_semPath = path;
    m_imagePath.clear();
    m_fromSem = true;
    resetStreams();
    m_edgeBytes = file.edges;
    m_hintBytes = file.hint;
    m_loaded = file;

    m_view->clear();
    resetDecodeState();
    m_view->setImageSize(m_size);
    m_view->setEdgeOverlay(edgeOverlayImage(streams.edges));
    m_view->setHint(toQImage(streams.hintUpsampled));
    const bool hasHint = !streams.hintUpsampled.empty();
    m_view->setLayer(hasHint ? ImageView::Layer::Hint : ImageView::Layer::Edges);
    m_view->setSecondLayer(ImageView::Layer::Edges);
    m_view->setSplit(hasHint);
    syncViewControls();

    // The hint factor follows from the thumbnail size; the rest from the metadata (non-defaults).
    m_edgePanel->setParams(CannyParams{});
    m_hintPanel->setParams(HintParams{hasHint ? hintFactorOf(streams.hintThumbnail.cols, streams.hintThumbnail.rows) : 0, -1});
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
    if (json.empty())
        return;
    const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return;
    // Fields missing, of the wrong type or out of range keep their defaults: metadata is
    // informative only (and untrusted).
    auto number = [](const nlohmann::json& obj, const char* key, double fallback, double lo, double hi) {
        const auto it = obj.find(key);
        if (it == obj.end() || !it->is_number())
            return fallback;
        const double v = it->get<double>();
        return v >= lo && v <= hi ? v : fallback;
    };
    auto flag = [](const nlohmann::json& obj, const char* key, bool fallback) {
        const auto it = obj.find(key);
        return it != obj.end() && it->is_boolean() ? it->get<bool>() : fallback;
    };
    if (const auto c = j.find("canny"); c != j.end() && c->is_object()) {
        CannyParams p;
        p.low = number(*c, "low", p.low, 0.0, 1e6);
        p.high = number(*c, "high", p.high, 0.0, 1e6);
        // "auto": the auto sigma (a number) when automatic thresholds were used.
        if (const auto a = c->find("auto"); a != c->end() && a->is_number()) {
            p.autoThresholds = true;
            p.autoSigma = number(*c, "auto", p.autoSigma, 1e-6, 1.0);
        }
        p.blurSigma = number(*c, "blur", p.blurSigma, 0.0, 20.0);
        p.aperture = int(number(*c, "aperture", p.aperture, 3, 7));
        p.l2Gradient = flag(*c, "l2", p.l2Gradient);
        p.scaleDenominator = int(number(*c, "scale", p.scaleDenominator, 1, 8));
        p.minLength = int(number(*c, "min_length", p.minLength, 0, 1e6));
        p.perChannel = flag(*c, "rgb", p.perChannel);
        try {
            p.validate();
            m_edgePanel->setParams(p);
        } catch (const Error&) {
            // inconsistent settings (e.g. low > high): keep the defaults shown
        }
    }
    HintParams hint = m_hintPanel->params();
    hint.quality = int(number(j, "hint_quality", -1, 1, 100));
    m_hintPanel->setParams(hint);
}

int MainWindow::hintFactorOf(int thumbWidth, int thumbHeight) const
{
    for (int f : {4, 8, 16, 32, 64}) {
        const cv::Size s = HintCodec::thumbnailSize(m_size.width(), m_size.height(), f);
        if (s.width == thumbWidth && s.height == thumbHeight)
            return f;
    }
    return 0;
}

bool MainWindow::saveSem(const QString& path)
{
    if (!hasDocument()) {
        m_lastError = tr("There is nothing to save: open an image first.");
        return false;
    }
    finishStreamsNow();
    if (!m_edgeError.isEmpty()) {
        m_lastError = m_edgeError;
        return false;
    }
    if (!m_hintError.isEmpty()) {
        m_lastError = m_hintError;
        return false;
    }
    if (!m_captionPanel->coded()) {
        m_lastError = m_captionPanel->errorText();
        return false;
    }
    try {
        currentFile().save(QFile::encodeName(path).toStdString());
    } catch (const std::exception& e) {
        m_lastError = errorText(e);
        return false;
    }
    m_semPath = path;
    m_displayName = QFileInfo(path).fileName();
    setDocumentModified(false);
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
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecent(const QString& path)
{
    QSettings settings;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = settings.value(kRecentKey).toStringList();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > kMaxRecent)
        list.removeLast();
    settings.setValue(kRecentKey, list);
    settings.setValue(kLastDirKey, QFileInfo(absolute).absolutePath());
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
            QSettings().remove(kRecentKey);
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
    const QString dir = QSettings().value(kLastDirKey).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image or .sem File"), dir,
        tr("Images and .sem files (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp *.sem);;"
           "SemCompress files (*.sem);;All files (*)"));
    if (!path.isEmpty())
        openInteractively(path);
}

bool MainWindow::actionSave()
{
    if (m_semPath.isEmpty())
        return actionSaveAs();
    if (saveSem(m_semPath))
        return true;
    showError(tr("Cannot save"), m_lastError);
    return false;
}

bool MainWindow::actionSaveAs()
{
    QString suggestion = m_semPath;
    if (suggestion.isEmpty()) {
        const QFileInfo source(m_imagePath.isEmpty() ? m_displayName : m_imagePath);
        const QString dir = m_imagePath.isEmpty() ? QSettings().value(kLastDirKey).toString() : source.absolutePath();
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
    const QFileInfo base(m_semPath.isEmpty() ? (m_imagePath.isEmpty() ? m_displayName : m_imagePath) : m_semPath);
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
        this, tr("Unsaved changes"), tr("%1 has unsaved changes. Save them as a .sem file?").arg(m_displayName),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return actionSave();
    return answer == QMessageBox::Discard;
}

}  // namespace sem::ui

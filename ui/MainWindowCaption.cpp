// MainWindow: caption generation (CaptionClient), the Settings dialog, autosave of the working state.
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include "core/caption/ApiKeyStore.h"
#include "core/caption/CaptionClient.h"
#include "core/caption/CaptionSettings.h"
#include "ui/CaptionPanel.h"
#include "ui/DecodePanel.h"
#include "ui/EdgePanel.h"
#include "ui/HintPanel.h"
#include "ui/MainWindow.h"
#include "ui/SettingsDialog.h"

namespace sem::ui {

namespace {
const char* const kAutosaveGroup = "autosave";
constexpr int kAutosaveDelayMs = 3000;
}  // namespace

void MainWindow::buildCaption()
{
    m_captionClient = new CaptionClient(this);
    connect(m_captionClient, &CaptionClient::finished, this, &MainWindow::onCaptionFinished);
    connect(m_captionClient, &CaptionClient::failed, this, &MainWindow::onCaptionFailed);
    connect(m_captionClient, &CaptionClient::retrying, this,
            [this](int retry, int maxRetries, qint64 delayMs, const QString& reason) {
                m_captionPanel->setGenerateNote(tr("%1; retry %2 of %3 in %4 s…")
                                                    .arg(reason)
                                                    .arg(retry)
                                                    .arg(maxRetries)
                                                    .arg(QString::number(delayMs / 1000.0, 'f', 1)));
            });
    connect(m_captionPanel, &CaptionPanel::generateRequested, this, [this] {
        if (!generateCaption())
            m_captionPanel->setGenerateError(m_lastError);
    });
    connect(m_captionPanel, &CaptionPanel::cancelRequested, this, &MainWindow::cancelCaption);

    m_autosaveTimer = new QTimer(this);
    m_autosaveTimer->setSingleShot(true);
    m_autosaveTimer->setInterval(kAutosaveDelayMs);
    connect(m_autosaveTimer, &QTimer::timeout, this, &MainWindow::saveAutosaveNow);
    connect(m_edgePanel, &EdgePanel::paramsChanged, this, &MainWindow::scheduleAutosave);
    connect(m_hintPanel, &HintPanel::paramsChanged, this, &MainWindow::scheduleAutosave);
    connect(m_captionPanel, &CaptionPanel::captionChanged, this, &MainWindow::scheduleAutosave);
}

bool MainWindow::isCaptioning() const
{
    return m_captionClient && m_captionClient->isBusy();
}

bool MainWindow::generateCaption()
{
    if (m_image.empty()) {
        m_lastError = tr("caption: generating needs the source image (a .sem file holds none).");
        return false;
    }
    if (isCaptioning()) {
        m_lastError = tr("caption: a request is already running.");
        return false;
    }
    QStringList warnings;
    const CaptionSettings settings = CaptionSettings::load(&warnings);
    try {
        m_captionClient->setSettings(settings);
    } catch (const std::exception& e) {
        m_lastError = QString::fromUtf8(e.what());
        return false;
    }
    const ApiKeyStore::Lookup key = ApiKeyStore::find();
    m_captionClient->setApiKey(key.key);
    try {
        m_captionClient->start(m_image);
    } catch (const std::exception& e) {
        m_lastError = QString::fromUtf8(e.what());
        return false;
    }
    m_captionPanel->setGenerating(true);
    if (key.key.isEmpty() && !key.keychainProblem.isEmpty())
        m_captionPanel->setGenerateNote(tr("Asking %1 without an API key (%2)…").arg(settings.model, key.keychainProblem));
    return true;
}

void MainWindow::cancelCaption()
{
    if (m_captionClient)
        m_captionClient->cancel();
}

void MainWindow::onCaptionFinished(const CaptionResult& result)
{
    m_captionPanel->setGenerating(false);
    m_captionPanel->applyGenerated(
        result.caption, tr("Caption from %1 in %2 s (Ctrl+Z restores the previous text).")
                            .arg(result.model, QString::number(result.seconds, 'f', 1)));
    emit captionGenerated();
}

void MainWindow::onCaptionFailed(const CaptionError& error)
{
    m_captionPanel->setGenerating(false);
    if (error.kind == CaptionError::Kind::Cancelled)
        m_captionPanel->setGenerateNote(tr("Cancelled; the caption is unchanged."));
    else
        m_captionPanel->setGenerateError(error.message);
    emit captionFailed(error.message);
}

void MainWindow::showSettingsDialog()
{
    SettingsDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        applyUserSettings();
}

void MainWindow::applyUserSettings()
{
    m_decodePanel->setModelPath(SettingsDialog::decodeModelPath());
    m_decodePanel->setDevice(SettingsDialog::decodeDevice());
    m_decodePanel->setPreviewEvery(SettingsDialog::decodePreviewEvery());
    updateDecodeAvailability();
}

// --- autosave -------------------------------------------------------------------------------

void MainWindow::scheduleAutosave()
{
    if (!m_imagePath.isEmpty())
        m_autosaveTimer->start();
}

void MainWindow::saveAutosaveNow()
{
    m_autosaveTimer->stop();
    if (m_imagePath.isEmpty())
        return;  // only an image opened from a file can be restored
    QSettings s;
    s.beginGroup(kAutosaveGroup);
    s.remove(QString());
    s.setValue("imagePath", m_imagePath);
    const CannyParams c = m_edgePanel->params();
    s.setValue("canny/low", c.low);
    s.setValue("canny/high", c.high);
    s.setValue("canny/auto", c.autoThresholds);
    s.setValue("canny/autoSigma", c.autoSigma);
    s.setValue("canny/blur", c.blurSigma);
    s.setValue("canny/aperture", c.aperture);
    s.setValue("canny/l2", c.l2Gradient);
    s.setValue("canny/scale", c.scaleDenominator);
    s.setValue("canny/minLength", c.minLength);
    s.setValue("canny/rgb", c.perChannel);
    const HintParams h = m_hintPanel->params();
    s.setValue("hint/factor", h.factor);
    s.setValue("hint/quality", h.quality);
    s.setValue("caption", m_captionPanel->text());
    s.endGroup();
}

bool MainWindow::hasAutosave()
{
    return !QSettings().value(QStringLiteral("autosave/imagePath")).toString().isEmpty();
}

void MainWindow::clearAutosave()
{
    QSettings().remove(QString::fromLatin1(kAutosaveGroup));
}

bool MainWindow::restoreAutosave()
{
    QSettings s;
    s.beginGroup(kAutosaveGroup);
    const QString path = s.value("imagePath").toString();
    if (path.isEmpty()) {
        m_lastError = tr("There is no autosaved state.");
        return false;
    }
    if (!openImage(path))
        return false;
    CannyParams c;
    c.low = s.value("canny/low", c.low).toDouble();
    c.high = s.value("canny/high", c.high).toDouble();
    c.autoThresholds = s.value("canny/auto", c.autoThresholds).toBool();
    c.autoSigma = s.value("canny/autoSigma", c.autoSigma).toDouble();
    c.blurSigma = s.value("canny/blur", c.blurSigma).toDouble();
    c.aperture = s.value("canny/aperture", c.aperture).toInt();
    c.l2Gradient = s.value("canny/l2", c.l2Gradient).toBool();
    c.scaleDenominator = s.value("canny/scale", c.scaleDenominator).toInt();
    c.minLength = s.value("canny/minLength", c.minLength).toInt();
    c.perChannel = s.value("canny/rgb", c.perChannel).toBool();
    try {
        c.validate();  // the stored state is untrusted: bad values keep the defaults
        m_edgePanel->setParams(c);
    } catch (const std::exception&) {
        statusBar()->showMessage(tr("The autosaved edge settings were invalid; defaults are used."), 8000);
    }
    HintParams h;
    h.factor = s.value("hint/factor", 0).toInt();
    h.quality = s.value("hint/quality", -1).toInt();
    try {
        h.validate();
        m_hintPanel->setParams(h);
    } catch (const std::exception&) {
        statusBar()->showMessage(tr("The autosaved hint settings were invalid; defaults are used."), 8000);
    }
    m_captionPanel->setText(s.value("caption").toString());
    s.endGroup();
    onEdgeParamsChanged();
    onHintParamsChanged();
    onCaptionChanged();
    return true;
}

}  // namespace sem::ui

// MainWindow: caption generation (CaptionClient) and the Settings dialog.

#include "core/caption/ApiKeyStore.h"
#include "core/caption/CaptionClient.h"
#include "core/caption/CaptionSettings.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/DecodePanel.h"
#include "ui/window/MainWindow.h"
#include "ui/dialogs/SessionApiKey.h"
#include "ui/dialogs/SettingsDialog.h"

namespace sem::ui {

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
}

bool MainWindow::isCaptioning() const
{
    return m_captionClient && m_captionClient->isBusy();
}

bool MainWindow::generateCaption()
{
    if (m_doc->image().empty()) {
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
    const ApiKeyStore::Lookup key = SessionApiKey::lookup();  // environment, session-only key, keychain
    m_captionClient->setApiKey(key.key);
    try {
        m_captionClient->start(m_doc->image());
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
    m_decodePanel->setControlnetPath(SettingsDialog::decodeControlnetPath());
    m_decodePanel->setDevice(SettingsDialog::decodeDevice());
    m_decodePanel->setPreviewEvery(SettingsDialog::decodePreviewEvery());
    updateDecodeAvailability();
}

}  // namespace sem::ui

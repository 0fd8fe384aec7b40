// MainWindow: autosave of the working state and restoring a previous session's state.
//
// Two QSettings groups: "autosave" holds this session's state (written a few seconds after each
// change, removed at a clean exit); "previousSession" holds the state a session left when it did
// not exit cleanly, moved there at the next start by adoptUncleanSession(). The second one stays
// until it is restored or replaced by a newer crash, so declining the offer at startup loses
// nothing: File > Restore Previous Session brings it back later.
#include <QLocale>
#include <QStatusBar>
#include <QTimer>

#include "ui/document/SessionState.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/window/MainWindow.h"
#include "ui/settings/SettingsRegistry.h"

namespace sem::ui {

namespace {

const char* const kAutosaveGroup = SettingsRegistry::kAutosaveGroup;
const char* const kPreviousGroup = SettingsRegistry::kPreviousSessionGroup;
constexpr int kAutosaveDelayMs = 3000;

}  // namespace

void MainWindow::buildSession()
{
    m_autosaveTimer = new QTimer(this);
    m_autosaveTimer->setSingleShot(true);
    m_autosaveTimer->setInterval(kAutosaveDelayMs);
    connect(m_autosaveTimer, &QTimer::timeout, this, &MainWindow::saveAutosaveNow);
    connect(m_edgePanel, &EdgePanel::paramsChanged, this, &MainWindow::scheduleAutosave);
    connect(m_hintPanel, &HintPanel::paramsChanged, this, &MainWindow::scheduleAutosave);
    connect(m_captionPanel, &CaptionPanel::captionChanged, this, &MainWindow::scheduleAutosave);
    updateRestoreAction();
}

void MainWindow::scheduleAutosave()
{
    if (!m_doc->imagePath().isEmpty())
        m_autosaveTimer->start();
}

void MainWindow::saveAutosaveNow()
{
    m_autosaveTimer->stop();
    if (m_doc->imagePath().isEmpty())
        return;  // only an image opened from a file can be restored
    syncSettings();
    SessionState::write(QString::fromLatin1(kAutosaveGroup), m_doc->imagePath(), m_doc->settings());
}

bool MainWindow::hasAutosave()
{
    return !SettingsRegistry::string(Setting::SessionImagePath, QString::fromLatin1(kAutosaveGroup)).isEmpty();
}

void MainWindow::clearAutosave()
{
    SettingsRegistry::removeGroup(QString::fromLatin1(kAutosaveGroup));
}

bool MainWindow::adoptUncleanSession()
{
    if (!hasAutosave())
        return false;
    SettingsRegistry::moveGroup(QString::fromLatin1(kAutosaveGroup), QString::fromLatin1(kPreviousGroup));
    return true;
}

bool MainWindow::hasPreviousSession()
{
    return !previousSessionImage().isEmpty();
}

QString MainWindow::previousSessionImage()
{
    return SettingsRegistry::string(Setting::SessionImagePath, QString::fromLatin1(kPreviousGroup));
}

void MainWindow::updateRestoreAction()
{
    const SessionState st = SessionState::read(QString::fromLatin1(kPreviousGroup));
    m_restoreAction->setEnabled(!st.imagePath.isEmpty());
    m_restoreAction->setToolTip(
        st.imagePath.isEmpty()
            ? tr("No previous session was left behind.")
            : tr("%1, autosaved %2").arg(st.imagePath, QLocale().toString(st.savedAt.toLocalTime(), QLocale::ShortFormat)));
    m_restoreAction->setStatusTip(m_restoreAction->toolTip());
}

void MainWindow::applySession(const SessionState& st)
{
    if (st.cannyValid)
        m_edgePanel->setParams(st.canny);
    else
        statusBar()->showMessage(tr("The autosaved edge settings were invalid; defaults are used."), 8000);
    if (st.hintValid)
        m_hintPanel->setParams(st.hint);
    else
        statusBar()->showMessage(tr("The autosaved hint settings were invalid; defaults are used."), 8000);
    m_captionPanel->setText(st.caption);
    onEdgeParamsChanged();  // recomputes the streams; the document is now unsaved
    onHintParamsChanged();
    onCaptionChanged();
}

void MainWindow::finishRestore()
{
    // The restored state is this session's working state now: autosaved at once, so a crash
    // right after the restore still leaves it behind.
    saveAutosaveNow();
    SettingsRegistry::removeGroup(QString::fromLatin1(kPreviousGroup));
    updateRestoreAction();
    emit sessionRestored();
}

bool MainWindow::restorePreviousSession()
{
    const SessionState st = SessionState::read(QString::fromLatin1(kPreviousGroup));
    if (st.imagePath.isEmpty()) {
        m_lastError = tr("There is no previous session to restore.");
        return false;
    }
    if (!openImage(st.imagePath))
        return false;
    applySession(st);
    finishRestore();
    return true;
}

void MainWindow::restorePreviousSessionInteractively()
{
    const SessionState st = SessionState::read(QString::fromLatin1(kPreviousGroup));
    if (st.imagePath.isEmpty()) {
        updateRestoreAction();
        showError(tr("Cannot restore"), tr("There is no previous session to restore."));
        return;
    }
    if (!maybeSave())  // the current document's unsaved changes come first
        return;
    startOpen(st.imagePath, true, [this, st] {
        applySession(st);
        finishRestore();
    });
}

}  // namespace sem::ui

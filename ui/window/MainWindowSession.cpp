// MainWindow: autosave of the working state and restoring a previous session's state.
//
// Two QSettings groups: "autosave" holds this session's state (written a few seconds after each
// change, removed at a clean exit); "previousSession" holds the state a session left when it did
// not exit cleanly, moved there at the next start by adoptUncleanSession(). The second one stays
// until it is restored or replaced by a newer crash, so declining the offer at startup loses
// nothing: File > Restore Previous Session brings it back later.
#include <QDateTime>
#include <QLocale>
#include <QStatusBar>
#include <QTimer>

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

// The state as stored; read back untrusted (validated before use).
struct MainWindow::SessionState {
    QString imagePath;
    CannyParams canny;
    bool cannyValid = true;
    HintParams hint;
    bool hintValid = true;
    QString caption;
    QDateTime savedAt;

    static SessionState read(const char* groupName)
    {
        const QString group = QString::fromLatin1(groupName);
        auto get = [&group](Setting id) { return SettingsRegistry::value(id, group); };
        SessionState st;
        st.imagePath = get(Setting::SessionImagePath).toString();
        CannyParams& c = st.canny;
        c.low = get(Setting::SessionCannyLow).toDouble();
        c.high = get(Setting::SessionCannyHigh).toDouble();
        c.autoThresholds = get(Setting::SessionCannyAuto).toBool();
        c.autoSigma = get(Setting::SessionCannyAutoSigma).toDouble();
        c.blurSigma = get(Setting::SessionCannyBlur).toDouble();
        c.aperture = get(Setting::SessionCannyAperture).toInt();
        c.l2Gradient = get(Setting::SessionCannyL2).toBool();
        c.scaleDenominator = get(Setting::SessionCannyScale).toInt();
        c.minLength = get(Setting::SessionCannyMinLength).toInt();
        c.perChannel = get(Setting::SessionCannyRgb).toBool();
        try {
            c.validate();
        } catch (const std::exception&) {
            st.cannyValid = false;
        }
        st.hint.factor = get(Setting::SessionHintFactor).toInt();
        st.hint.quality = get(Setting::SessionHintQuality).toInt();
        try {
            st.hint.validate();
        } catch (const std::exception&) {
            st.hintValid = false;
        }
        st.caption = get(Setting::SessionCaption).toString();
        st.savedAt = get(Setting::SessionSavedAt).toDateTime();
        return st;
    }
};

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
    const QString group = QString::fromLatin1(kAutosaveGroup);
    SettingsRegistry::removeGroup(group);
    auto set = [&group](Setting id, const QVariant& v) { SettingsRegistry::setValue(id, v, group); };
    set(Setting::SessionImagePath, m_doc->imagePath());
    syncSettings();
    const DocumentSettings& settings = m_doc->settings();
    const CannyParams& c = settings.canny;
    set(Setting::SessionCannyLow, c.low);
    set(Setting::SessionCannyHigh, c.high);
    set(Setting::SessionCannyAuto, c.autoThresholds);
    set(Setting::SessionCannyAutoSigma, c.autoSigma);
    set(Setting::SessionCannyBlur, c.blurSigma);
    set(Setting::SessionCannyAperture, c.aperture);
    set(Setting::SessionCannyL2, c.l2Gradient);
    set(Setting::SessionCannyScale, c.scaleDenominator);
    set(Setting::SessionCannyMinLength, c.minLength);
    set(Setting::SessionCannyRgb, c.perChannel);
    const HintParams& h = settings.hint;
    set(Setting::SessionHintFactor, h.factor);
    set(Setting::SessionHintQuality, h.quality);
    set(Setting::SessionCaption, settings.caption);
    set(Setting::SessionSavedAt, QDateTime::currentDateTimeUtc());
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
    const SessionState st = SessionState::read(kPreviousGroup);
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
    const SessionState st = SessionState::read(kPreviousGroup);
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
    const SessionState st = SessionState::read(kPreviousGroup);
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

// MainWindow: autosave of the working state and restoring a previous session's state.
//
// Two QSettings groups: "autosave" holds this session's state (written a few seconds after each
// change, removed at a clean exit); "previousSession" holds the state a session left when it did
// not exit cleanly, moved there at the next start by adoptUncleanSession(). The second one stays
// until it is restored or replaced by a newer crash, so declining the offer at startup loses
// nothing: File > Restore Previous Session brings it back later.
#include <QDateTime>
#include <QLocale>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include "ui/CaptionPanel.h"
#include "ui/EdgePanel.h"
#include "ui/HintPanel.h"
#include "ui/MainWindow.h"

namespace sem::ui {

namespace {

const char* const kAutosaveGroup = "autosave";
const char* const kPreviousGroup = "previousSession";
constexpr int kAutosaveDelayMs = 3000;

// Copies every key of group `from` to group `to` (which is emptied first), then removes `from`.
void moveGroup(QSettings& s, const QString& from, const QString& to)
{
    s.remove(to);
    s.beginGroup(from);
    const QStringList keys = s.allKeys();
    QList<QVariant> values;
    for (const QString& k : keys)
        values << s.value(k);
    s.endGroup();
    s.beginGroup(to);
    for (int i = 0; i < keys.size(); ++i)
        s.setValue(keys[i], values[i]);
    s.endGroup();
    s.remove(from);
}

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

    static SessionState read(const char* group)
    {
        QSettings s;
        s.beginGroup(QString::fromLatin1(group));
        SessionState st;
        st.imagePath = s.value("imagePath").toString();
        CannyParams& c = st.canny;
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
            c.validate();
        } catch (const std::exception&) {
            st.cannyValid = false;
        }
        st.hint.factor = s.value("hint/factor", 0).toInt();
        st.hint.quality = s.value("hint/quality", -1).toInt();
        try {
            st.hint.validate();
        } catch (const std::exception&) {
            st.hintValid = false;
        }
        st.caption = s.value("caption").toString();
        st.savedAt = s.value("savedAt").toDateTime();
        s.endGroup();
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
    s.setValue("savedAt", QDateTime::currentDateTimeUtc());
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

bool MainWindow::adoptUncleanSession()
{
    if (!hasAutosave())
        return false;
    QSettings s;
    moveGroup(s, QString::fromLatin1(kAutosaveGroup), QString::fromLatin1(kPreviousGroup));
    return true;
}

bool MainWindow::hasPreviousSession()
{
    return !previousSessionImage().isEmpty();
}

QString MainWindow::previousSessionImage()
{
    return QSettings().value(QStringLiteral("previousSession/imagePath")).toString();
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
    QSettings().remove(QString::fromLatin1(kPreviousGroup));
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

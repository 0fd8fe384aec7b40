// MainWindow: opening an image without blocking the GUI thread (read, decode, conversion and view
// pyramid on a QtConcurrent worker), the "Loading…" state, and dropping results of superseded opens.
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <utility>

#include "core/image/ImageIO.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/views/ImageConversion.h"
#include "ui/window/MainWindow.h"
#include "ui/window/MainWindowOpenedImage.h"
#include "ui/panels/RatePanel.h"

namespace sem::ui {

bool hasSemMagic(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(3) == QByteArray("SEM", 3);
}

MainWindow::OpenedImage MainWindow::readImageFile(const QString& path)
{
    OpenedImage out;
    try {
        LoadedImage loaded = ImageIO::load(QFile::encodeName(path).toStdString());
        out.original = ImagePyramid(toQImage(loaded.bgr));
        out.bgr = loaded.bgr;
        out.warnings = std::move(loaded.warnings);
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
    }
    return out;
}

void MainWindow::openPathAsync(const QString& path)
{
    startOpen(path, false, {});
}

void MainWindow::startOpen(const QString& path, bool interactive, std::function<void()> then)
{
    auto fail = [this, interactive](const QString& error) {
        m_lastError = error;
        emit openFailed(error);
        if (interactive)
            showError(tr("Cannot open file"), error);
    };
    if (hasSemMagic(path)) {  // a few kilobytes at most: parsed here
        dropPendingOpen();    // supersedes any open in flight, as an image would
        if (!openSem(path))
            return fail(m_lastError);
        if (then)
            then();
        emit documentOpened();
        return;
    }
    const std::uint64_t request = ++m_openRequested;
    setLoading(request, QFileInfo(path).fileName());
    auto* watcher = new QFutureWatcher<OpenedImage>(this);
    connect(watcher, &QFutureWatcher<OpenedImage>::finished, this,
            [this, watcher, request, path, fail, then = std::move(then)] {
                watcher->deleteLater();
                if (request != m_openRequested)
                    return;  // a newer open (or a synchronous one) came first
                setLoading(0, QString());
                const OpenedImage opened = watcher->result();
                if (!opened.error.isEmpty())
                    return fail(opened.error);
                showOpenedImage(opened, path);
                if (then)
                    then();
                emit documentOpened();
            });
    // Captures the path only: the window may be gone when the job ends (the result is dropped).
    watcher->setFuture(QtConcurrent::run([path] { return readImageFile(path); }));
}

void MainWindow::dropPendingOpen()
{
    ++m_openRequested;
    setLoading(0, QString());
}

void MainWindow::setLoading(std::uint64_t request, const QString& name)
{
    const bool wasLoading = isLoading();
    m_loadingRequest = request;
    m_loadingName = name;
    if (request != 0 && !wasLoading) {
        // What the user could edit in the current document would be lost to the new one.
        for (QWidget* panel : {static_cast<QWidget*>(m_edgePanel), static_cast<QWidget*>(m_hintPanel),
                               static_cast<QWidget*>(m_captionPanel), static_cast<QWidget*>(m_ratePanel)})
            if (panel->isEnabled()) {
                panel->setEnabled(false);
                m_lockedWhileLoading << panel;
            }
        QApplication::setOverrideCursor(Qt::BusyCursor);
    } else if (request == 0 && wasLoading) {
        for (QWidget* panel : std::as_const(m_lockedWhileLoading))
            panel->setEnabled(true);
        m_lockedWhileLoading.clear();
        QApplication::restoreOverrideCursor();
    }
    if (m_busyLabel)
        updateStatusBar();
}

}  // namespace sem::ui

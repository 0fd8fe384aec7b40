// Opening an image in the background: a 12 MP image loads while the GUI thread keeps handling
// events, a newer open drops an older one's result, errors keep the current document.
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "ui/panels/CaptionPanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using sem::ui::MainWindow;

namespace {

QString statusText(MainWindow& w)
{
    QStringList texts;
    for (const QLabel* label : w.statusBar()->findChildren<QLabel*>())
        texts << label->text();
    return texts.join(QLatin1Char('|'));
}

}  // namespace

class TestAsyncOpen : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_large, m_small, m_junk;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_asyncopen");
        QVERIFY(m_dir.isValid());
        m_large = m_dir.filePath("large.jpg");  // 12 MP, like a phone photo
        QVERIFY(cv::imwrite(m_large.toStdString(), sem::devbench::syntheticPhoto(4000, 3000, 5)));
        m_small = m_dir.filePath("small.png");
        QVERIFY(cv::imwrite(m_small.toStdString(), sem::devbench::syntheticPhoto(96, 64, 6)));
        m_junk = m_dir.filePath("junk.png");
        QFile junk(m_junk);
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("\x89PNG\r\n\x1a\n but not really");
    }

    void largeImageLoadsWhileTheEventLoopRuns()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_small));
        QTRY_VERIFY(!w.isBusy());
        QSignalSpy opened(&w, &MainWindow::documentOpened);
        int ticksWhileLoading = 0;
        QTimer ticker;
        ticker.setInterval(1);
        connect(&ticker, &QTimer::timeout, this, [&] {
            if (w.isLoading())
                ++ticksWhileLoading;
        });
        ticker.start();

        w.openPathAsync(m_large);
        // Returned before the image was read: the previous document is still shown, its editing
        // panels locked, the status bar says what is loading.
        QVERIFY(w.isLoading());
        QVERIFY(w.isBusy());
        QVERIFY(opened.isEmpty());
        QCOMPARE(w.imageView()->imageSize(), QSize(96, 64));
        QVERIFY(!w.captionPanel()->isEnabled());
        QVERIFY(!w.edgePanel()->isEnabled());
        QVERIFY2(statusText(w).contains("Loading large.jpg"), qPrintable(statusText(w)));

        QVERIFY(opened.wait(120000));
        QVERIFY2(ticksWhileLoading > 0, "the GUI thread handled no timer event while the image loaded");
        QVERIFY(!w.isLoading());
        QCOMPARE(w.imageView()->imageSize(), QSize(4000, 3000));
        QVERIFY(w.windowTitle().contains("large.jpg"));
        QVERIFY(w.captionPanel()->isEnabled());
        QVERIFY(w.edgePanel()->isEnabled());
        QVERIFY(!statusText(w).contains("Loading"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 120000);  // the first edge and hint results
        QVERIFY(w.ratePanel()->breakdown().edges > 0);
        QVERIFY(w.recentFiles().value(0).endsWith("large.jpg"));
    }

    void aNewerOpenDropsTheOlderResult()
    {
        MainWindow w;
        QSignalSpy opened(&w, &MainWindow::documentOpened);
        QSignalSpy failed(&w, &MainWindow::openFailed);
        w.openPathAsync(m_large);
        w.openPathAsync(m_small);
        QVERIFY(opened.wait(120000));
        // Let the large image's job end and its result reach the window.
        QThreadPool::globalInstance()->waitForDone();
        QTRY_VERIFY(!w.isBusy());
        QCoreApplication::processEvents();
        QCOMPARE(opened.count(), 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(w.imageView()->imageSize(), QSize(96, 64));
        QVERIFY(w.windowTitle().contains("small.png"));

        // A synchronous open also wins over a pending one.
        w.openPathAsync(m_large);
        QVERIFY(w.openImage(m_small));
        QVERIFY(!w.isLoading());
        QThreadPool::globalInstance()->waitForDone();
        QTRY_VERIFY(!w.isBusy());
        QCoreApplication::processEvents();
        QCOMPARE(opened.count(), 1);
        QCOMPARE(w.imageView()->imageSize(), QSize(96, 64));
    }

    void aFailedOpenKeepsTheDocumentAndWhatWasTyped()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_small));
        QTest::keyClicks(w.captionPanel()->editor(), "typed before");
        QSignalSpy failed(&w, &MainWindow::openFailed);
        w.openPathAsync(m_junk);
        QVERIFY(failed.wait(30000));
        QVERIFY(failed.first().first().toString().contains("junk.png"));
        QCOMPARE(w.lastError(), failed.first().first().toString());
        QVERIFY(!w.isLoading());
        QCOMPARE(w.imageView()->imageSize(), QSize(96, 64));
        QCOMPARE(w.captionPanel()->text(), QString("typed before"));
        QVERIFY(w.isWindowModified());
        QVERIFY(w.captionPanel()->isEnabled());
        QVERIFY(w.edgePanel()->isEnabled());
    }

    void aDroppedFileThatCannotBeReadShowsADialog()
    {
        MainWindow w;
        w.show();
        QString shown;
        QTimer poll;
        poll.setInterval(10);
        connect(&poll, &QTimer::timeout, this, [&] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                shown = box->text();
                box->button(QMessageBox::Ok)->click();
            }
        });
        poll.start();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_junk)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &drop);
        QVERIFY(w.isLoading());  // in the background: the dialog comes when the read fails
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 30000);
        QVERIFY2(shown.contains("junk.png"), qPrintable(shown));
        QVERIFY(!w.hasDocument());
        QVERIFY(!w.isLoading());
    }
};

QTEST_MAIN(TestAsyncOpen)
#include "tst_asyncopen.moc"

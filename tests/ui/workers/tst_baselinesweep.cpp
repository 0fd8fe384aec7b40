// The plot's baseline sweep stops early when asked (a flag polled between encodes), when another
// image is opened and when the window closes; only complete sweeps are cached.
// The sweep runs on a low-priority thread, as in the app: on a loaded machine it waits for idle
// cores, hence the generous waits; the test checks what happens, never how fast. The "big" images
// are 800x600: large enough that a sweep is still running when the test acts (each codec's search
// takes seconds), small enough to keep the test short under the sanitizers (17 s alone; 66 s with
// 1600x1200, the size until session 18).
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>
#include <atomic>
#include <cmath>

#include "ui/workers/BaselineSweep.h"
#include "ui/window/MainWindow.h"
#include "ui/views/RdPlot.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using sem::ui::BaselineSweep;
using sem::ui::MainWindow;

class TestBaselineSweep : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_baselinesweep");
    }

    void stopsAfterTheCodecThatRaisedTheFlag()
    {
        BaselineSweep::clearCache();
        const cv::Mat image = sem::devbench::syntheticPhoto(192, 128, 1);
        const int total = BaselineSweep::searchCount(image);
        const int perCodec = int(BaselineSweep::targets().size());
        QVERIFY(total >= 3 * perCodec);  // jpeg, webp and webp-downscale at least

        std::atomic<bool> stop{false};
        int reports = 0;
        const BaselineSweep::Result stopped = BaselineSweep::run(image, stop, [&](int) {
            ++reports;
            stop = true;  // raised during the sweep, after the first codec
        });
        QVERIFY(stopped.stopped);
        QCOMPARE(reports, 1);
        QCOMPARE(stopped.searchesDone, perCodec);
        QCOMPARE(stopped.searchesTotal, total);
        QVERIFY(stopped.curves.size() <= 1);

        // Raised before it starts: nothing is searched.
        const BaselineSweep::Result none = BaselineSweep::run(image, stop);
        QVERIFY(none.stopped);
        QCOMPARE(none.searchesDone, 0);

        // A stopped sweep is not cached: the next one runs in full, and that one is.
        stop = false;
        const BaselineSweep::Result full = BaselineSweep::run(image, stop);
        QVERIFY(!full.stopped);
        QVERIFY(!full.fromCache);
        QCOMPARE(full.searchesDone, total);
        QVERIFY(full.curves.size() > stopped.curves.size());
        int withNiqe = 0;  // the plot's other y axes (a flat decode has no NIQE)
        for (const auto& [name, points] : full.curves)
            for (const auto& p : points) {
                QVERIFY2(std::isfinite(p.msSsim) && p.msSsim <= 1.0, qPrintable(name));
                withNiqe += std::isfinite(p.niqe) && p.niqe > 0.0 ? 1 : 0;
            }
        QVERIFY(withNiqe > 0);
        const BaselineSweep::Result again = BaselineSweep::run(image, stop);
        QVERIFY(again.fromCache);
        QCOMPARE(again.curves.size(), full.curves.size());
    }

    void openingAnotherImageStopsTheRunningSweep()
    {
        MainWindow w;
        w.setImage(sem::devbench::syntheticPhoto(800, 600, 2), QStringLiteral("big"));
        QTRY_VERIFY_WITH_TIMEOUT(w.baselineSweepProgress() >= 1, 300000);  // it is running
        QSignalSpy stopped(&w, &MainWindow::baselineSweepStopped);
        w.setImage(sem::devbench::syntheticPhoto(256, 192, 3), QStringLiteral("small"));
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 300000);
        const int done = stopped.first().at(0).toInt();
        const int total = stopped.first().at(1).toInt();
        QVERIFY2(done >= 1 && done < total, qPrintable(QString("%1 of %2").arg(done).arg(total)));
        // The new image's sweep runs to the end and fills the plot.
        QTRY_VERIFY_WITH_TIMEOUT(w.baselinesReady(), 300000);
        QVERIFY(w.rdPlot()->curveCount() >= 1);
        QVERIFY(w.rdPlot()->message().isEmpty());
        QCOMPARE(stopped.count(), 1);
    }

    void closingTheWindowStopsTheRunningSweep()
    {
        MainWindow w;
        w.show();
        w.setImage(sem::devbench::syntheticPhoto(800, 600, 4), QStringLiteral("big"));
        QTRY_VERIFY_WITH_TIMEOUT(w.baselineSweepProgress() >= 1, 300000);
        QSignalSpy stopped(&w, &MainWindow::baselineSweepStopped);
        QVERIFY(w.close());  // nothing unsaved
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 300000);
        const int done = stopped.first().at(0).toInt();
        const int total = stopped.first().at(1).toInt();
        QVERIFY2(done < total, qPrintable(QString("%1 of %2").arg(done).arg(total)));
        QVERIFY(!w.baselinesReady());
    }
};

QTEST_MAIN(TestBaselineSweep)
#include "tst_baselinesweep.moc"

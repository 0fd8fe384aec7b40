// Issue 20, layout: the View menu brings back every panel that can be closed; the plot keeps a
// usable height (also while its curves are computed); the Reconstruction pane's placeholder is
// seen beside the divider; at 1280x800 the side panel is not clipped.
#include <QtTest>
#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QScrollArea>
#include <QStandardPaths>
#include <QToolBar>

#include "ui/panels/HintPanel.h"
#include "ui/views/ImageView.h"
#include "ui/window/MainWindow.h"
#include "ui/views/RdPlot.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include <qcustomplot.h>

using sem::ui::ImageView;
using sem::ui::MainWindow;
using Layer = ImageView::Layer;

namespace {
QAction* actionFor(QMenu* menu, QDockWidget* dock)
{
    for (QAction* a : menu->actions())
        if (a == dock->toggleViewAction())
            return a;
    return nullptr;
}
}  // namespace

class TestLayout : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_layout");
    }

    void viewMenuRestoresClosedPanels()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QList<QDockWidget*> docks = w.findChildren<QDockWidget*>();
        QVERIFY(docks.contains(w.plotDock()));
        QVERIFY(docks.contains(w.resultsDock()));
        for (QDockWidget* dock : docks) {
            QAction* action = actionFor(w.viewMenu(), dock);
            QVERIFY2(action, qPrintable(dock->windowTitle()));
            QVERIFY(dock->isVisible());
            dock->close();
            QVERIFY(!dock->isVisible());
            QVERIFY(!action->isChecked());
            action->trigger();
            QVERIFY2(dock->isVisible(), qPrintable(dock->windowTitle()));
        }
        for (QToolBar* bar : w.findChildren<QToolBar*>()) {
            bool found = false;
            for (QAction* a : w.viewMenu()->actions())
                found = found || a == bar->toggleViewAction();
            QVERIFY2(found, qPrintable(bar->windowTitle()));
        }
    }

    void plotKeepsItsHeightAt1280x800()
    {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setImage(sem::devbench::syntheticPhoto(640, 400, 2), "photo.png");  // the baseline sweep starts
        QVERIFY(w.rdPlot()->message().startsWith("Computing"));
        QTest::qWait(200);  // the plot's queued replot
        if (qEnvironmentVariableIsSet("SEM_LAYOUT_SHOTS"))
            w.grab().save(qEnvironmentVariable("SEM_LAYOUT_SHOTS") + "/window-1280x800.png");
        QVERIFY2(!w.rdPlot()->message().contains(" of 0 "), qPrintable(w.rdPlot()->message()));
        QVERIFY(w.minimumSizeHint().width() <= 1280);
        QVERIFY(w.minimumSizeHint().height() <= 760);  // room for a title bar and a panel
        QVERIFY2(w.rdPlot()->minimumHeight() >= 200, qPrintable(QString::number(w.rdPlot()->minimumHeight())));
        QVERIFY2(w.rdPlot()->height() >= 200, qPrintable(QString::number(w.rdPlot()->height())));
        // The axes fill the plot's height (the legend's column used to cap them at its text's height).
        const QRect axes = w.rdPlot()->plot()->axisRect()->outerRect();
        QVERIFY2(axes.height() >= w.rdPlot()->plot()->height() - 2,
                 qPrintable(QString("%1 of %2").arg(axes.height()).arg(w.rdPlot()->plot()->height())));
        QVERIFY(w.imageView()->height() >= 300);
        // The side panel's content fits its width (no horizontal scroll bar there: it would be cut).
        QScrollArea* side = nullptr;
        for (QScrollArea* s : w.findChildren<QScrollArea*>())
            if (s->isAncestorOf(w.hintPanel()))
                side = s;
        QVERIFY(side);
        QVERIFY2(side->widget()->minimumSizeHint().width() <= side->viewport()->width(),
                 qPrintable(QString("%1 > %2").arg(side->widget()->minimumSizeHint().width())
                                .arg(side->viewport()->width())));
        w.stopBaselineSweep();
    }

    void placeholderIsSeenBesideTheDivider()
    {
        ImageView v;
        v.resize(600, 300);
        v.setImageSize(QSize(600, 300));
        QImage black(600, 300, QImage::Format_RGB32);
        black.fill(Qt::black);
        v.setOriginal(black);
        v.setLayer(Layer::Original);
        v.setSecondLayer(Layer::Reconstruction);  // no reconstruction yet: the placeholder
        v.setSplit(true);
        v.setSplitPosition(0.5);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        const QImage shot = v.grab().toImage();
        // The placeholder's light text lies in the right half, away from the divider (x = 300).
        int textPixels = 0;
        double sumX = 0.0;
        for (int y = 50; y < 300; ++y)  // below the split labels
            for (int x = 310; x < 600; ++x)
                if (qGray(shot.pixel(x, y)) > 150 && qGray(shot.pixel(x, y)) < 255) {
                    ++textPixels;
                    sumX += x;
                }
        QVERIFY2(textPixels > 50, qPrintable(QString::number(textPixels)));
        const double centre = sumX / textPixels;  // the right half's centre is 450
        QVERIFY2(std::abs(centre - 450.0) < 40.0, qPrintable(QString::number(centre)));
        if (qEnvironmentVariableIsSet("SEM_LAYOUT_SHOTS"))
            shot.save(qEnvironmentVariable("SEM_LAYOUT_SHOTS") + "/placeholder.png");
    }
};

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"

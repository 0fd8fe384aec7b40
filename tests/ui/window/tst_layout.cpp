// Issue 20, layout: the View menu brings back every panel that can be closed; the plot keeps a
// usable height (also while its curves are computed); the Reconstruction pane's placeholder is
// seen beside the divider; at 1280x800 the side panel is not clipped.
#include <QtTest>
#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QScrollBar>
#include <QStyleOptionComboBox>
#include <QDockWidget>
#include <QMenu>
#include <QScrollArea>
#include <QStandardPaths>
#include <QToolBar>

#include "ui/panels/DecodePanel.h"
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

    // At 1280x800 (and, as tst_layout_200, at 200 %: the same logical window at device pixel ratio
    // 2, QT_SCALE_FACTOR=2), with an image open and the panel of either model family: every label,
    // button and combo box of the side panel shows its whole text, and the panel does not scroll
    // sideways.
    void sidePanelTextsAreWholeAt1280x800()
    {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        if (qEnvironmentVariableIsSet("SEM_LAYOUT_EXPECT_DPR"))
            QCOMPARE(w.devicePixelRatioF(), qEnvironmentVariable("SEM_LAYOUT_EXPECT_DPR").toDouble());
        QCOMPARE(w.size(), QSize(1280, 800));
        w.setImage(sem::devbench::syntheticPhoto(640, 400, 2), "photo.png");
        QTRY_VERIFY(!w.isBusy());
        w.stopBaselineSweep();
        QScrollArea* side = nullptr;
        for (QScrollArea* s : w.findChildren<QScrollArea*>())
            if (s->isAncestorOf(w.hintPanel()))
                side = s;
        QVERIFY(side);
        for (auto family : {sem::DecodeSettings::BuiltIn, sem::DecodeSettings::StableDiffusion1}) {
            w.decodePanel()->setFamily(family);
            QTest::qWait(50);  // the layout settles
            const QString what = family == sem::DecodeSettings::BuiltIn ? "built-in" : "sd1";
            QStringList cut;
            for (QWidget* widget : side->widget()->findChildren<QWidget*>()) {
                if (!widget->isVisibleTo(side->widget()))
                    continue;
                QString text;
                int need = 0, have = widget->width();
                if (auto* label = qobject_cast<QLabel*>(widget)) {
                    if (label->text().isEmpty() || label->sizePolicy().horizontalPolicy() == QSizePolicy::Ignored)
                        continue;
                    text = label->text();
                    if (label->wordWrap()) {  // wraps: all its lines must fit its height
                        need = label->heightForWidth(label->width());
                        have = label->height();
                    } else {
                        need = label->sizeHint().width();
                    }
                } else if (auto* button = qobject_cast<QAbstractButton*>(widget)) {
                    if (button->text().isEmpty())
                        continue;
                    text = button->text();
                    need = button->sizeHint().width();
                } else if (auto* combo = qobject_cast<QComboBox*>(widget)) {
                    text = combo->currentText();
                    // The current item's text and the arrow: the widest item's is the size hint.
                    QStyleOptionComboBox opt;
                    opt.initFrom(combo);
                    const QSize textSize = combo->fontMetrics().size(Qt::TextSingleLine, text);
                    need = combo->style()->sizeFromContents(QStyle::CT_ComboBox, &opt, textSize, combo).width();
                } else {
                    continue;
                }
                if (have < need)
                    cut << QString("%1 '%2': %3 < %4").arg(widget->metaObject()->className(), text).arg(have).arg(need);
            }
            QVERIFY2(cut.isEmpty(), qPrintable(what + ": " + cut.join("; ")));
            QStringList wide;  // what makes the panel wider than its viewport, if it is
            for (QWidget* widget : side->widget()->findChildren<QWidget*>())
                if (widget->isVisibleTo(side->widget()) && widget->minimumSizeHint().width() > side->viewport()->width() / 2)
                    wide << QString("%1 %2 %3").arg(widget->metaObject()->className(), widget->objectName())
                                .arg(widget->minimumSizeHint().width());
            QVERIFY2(!side->horizontalScrollBar()->isVisible(),
                     qPrintable(QString("%1: content %2 in %3; %4").arg(what).arg(side->widget()->minimumSizeHint().width())
                                    .arg(side->viewport()->width()).arg(wide.join(", "))));
            QVERIFY2(side->widget()->width() <= side->viewport()->width(),
                     qPrintable(QString("%1: %2 > %3").arg(what).arg(side->widget()->width()).arg(side->viewport()->width())));
            if (qEnvironmentVariableIsSet("SEM_LAYOUT_SHOTS"))
                w.grab().save(qEnvironmentVariable("SEM_LAYOUT_SHOTS") +
                              QString("/side-%1-dpr%2.png").arg(what).arg(w.devicePixelRatioF()));
        }
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
        const double dpr = shot.devicePixelRatio();  // 2 at 200 % (tst_layout_200): pixels per logical unit
        auto gray = [&](int x, int y) { return qGray(shot.pixel(int(x * dpr), int(y * dpr))); };
        // The placeholder's light text lies in the right half, away from the divider (x = 300).
        int textPixels = 0;
        double sumX = 0.0;
        for (int y = 50; y < 300; ++y)  // below the split labels
            for (int x = 310; x < 600; ++x)
                if (gray(x, y) > 150 && gray(x, y) < 255) {
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

// The mouse wheel over the side panel never changes a control that has no focus (issue 20): it
// goes on to the scroll area. A focused control still reacts.
#include <QScrollBar>
#include <QtTest>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QScrollArea>
#include <QStandardPaths>
#include <QWheelEvent>

#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/window/MainWindow.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include "ui/widgets/WheelGuard.h"

using sem::ui::MainWindow;
using sem::ui::WheelGuard;

namespace {

QString valueOf(QWidget* w)
{
    if (auto* c = qobject_cast<QComboBox*>(w))
        return QString::number(c->currentIndex());
    if (auto* s = qobject_cast<QAbstractSpinBox*>(w))
        return s->text();
    if (auto* s = qobject_cast<QAbstractSlider*>(w))
        return QString::number(s->value());
    return {};
}

// A wheel notch over the middle of `w`; returns whether the event was accepted (taken by `w`).
bool wheel(QWidget* w, int notches)
{
    const QPointF pos(w->width() / 2.0, w->height() / 2.0);
    QWheelEvent e(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, 120 * notches), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
    return e.isAccepted();
}

QList<QWidget*> valueControls(QWidget* root)
{
    QList<QWidget*> out;
    for (QWidget* w : root->findChildren<QWidget*>())
        if (qobject_cast<QComboBox*>(w) || qobject_cast<QAbstractSpinBox*>(w)
            || (qobject_cast<QAbstractSlider*>(w) && !qobject_cast<QScrollBar*>(w)))
            out << w;
    return out;
}

}  // namespace

class TestWheelGuard : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_wheelguard");
    }

    void wheelOverSidePanelChangesNothing()
    {
        MainWindow w;
        w.show();
        w.setImage(sem::devbench::syntheticPhoto(96, 64, 1), QStringLiteral("small.png"));
        QTRY_VERIFY(!w.isBusy());
        QScrollArea* side = nullptr;
        for (QScrollArea* s : w.findChildren<QScrollArea*>())
            if (s->isAncestorOf(w.hintPanel()))
                side = s;
        QVERIFY(side);
        w.imageView()->setFocus();  // no control of the panel has the focus
        const QList<QWidget*> controls = valueControls(side->widget());
        // Edges (sliders, spin boxes), hint size and quality, decode settings.
        QVERIFY2(controls.size() >= 6, qPrintable(QString::number(controls.size())));
        int enabled = 0;
        for (QWidget* c : controls) {
            QVERIFY2(WheelGuard::isGuarded(c), c->metaObject()->className());
            QVERIFY2(c->focusPolicy() != Qt::WheelFocus, c->metaObject()->className());
            if (!c->isEnabled() || c->hasFocus())
                continue;
            ++enabled;
            const QString before = valueOf(c);
            for (int notches : {-1, 1, -3, 3}) {
                const bool accepted = wheel(c, notches);
                QVERIFY2(!accepted, qPrintable(c->objectName() + " " + c->metaObject()->className()));
                QCOMPARE(valueOf(c), before);
            }
        }
        QVERIFY(enabled >= 4);
        QVERIFY(!w.isWindowModified());  // nothing was changed, so nothing to save
    }

    void wheelOverToolbarAndPlotChangesNothing()
    {
        // Every value control of the window, outside the side panel too: the view toolbar's layer
        // choices and the plot's y-axis metric.
        MainWindow w;
        w.show();
        w.setImage(sem::devbench::syntheticPhoto(96, 64, 1), QStringLiteral("small.png"));
        QTRY_VERIFY(!w.isBusy());
        w.imageView()->setFocus();
        int outside = 0;
        QStringList seen;
        for (QWidget* c : valueControls(&w)) {
            QVERIFY2(WheelGuard::isGuarded(c), qPrintable(c->objectName() + " " + c->metaObject()->className()));
            if (w.hintPanel()->isAncestorOf(c) || !c->isVisible() || !c->isEnabled() || c->hasFocus())
                continue;
            bool inSidePanel = false;
            for (QScrollArea* s : w.findChildren<QScrollArea*>())
                inSidePanel = inSidePanel || (s->widget() && s->widget()->isAncestorOf(c));
            if (inSidePanel)
                continue;
            ++outside;
            seen << c->metaObject()->className();
            const QString before = valueOf(c);
            for (int notches : {-1, 1, -3, 3}) {
                wheel(c, notches);
                QCOMPARE(valueOf(c), before);
            }
        }
        QVERIFY2(outside >= 3, qPrintable(seen.join(", ")));  // two layer combos and the plot's metric
        for (QScrollBar* bar : w.findChildren<QScrollBar*>())
            QVERIFY(!WheelGuard::isGuarded(bar));  // the wheel over a scroll bar still scrolls
    }

    void focusedControlStillReacts()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.setImage(sem::devbench::syntheticPhoto(96, 64, 1), QStringLiteral("small.png"));
        QTRY_VERIFY(!w.isBusy());
        auto* size = w.hintPanel()->findChild<QComboBox*>();
        QVERIFY(size && size->isEnabled());
        QCOMPARE(size->currentIndex(), 0);  // Off
        QVERIFY(!wheel(size, -1));
        QCOMPARE(size->currentIndex(), 0);
        size->setFocus();
        QTRY_VERIFY(size->hasFocus());
        wheel(size, -1);
        QCOMPARE(size->currentIndex(), 1);  // 1/4: the user scrolled the control they picked

        auto* slider = w.edgePanel()->highSlider();
        const int value = slider->value();
        QVERIFY(!wheel(slider, 1));
        QCOMPARE(slider->value(), value);
        slider->setFocus();
        QTRY_VERIFY(slider->hasFocus());
        wheel(slider, 1);
        QVERIFY(slider->value() != value);
    }

    void installIsIdempotentAndGuardsLaterControls()
    {
        QWidget root;
        auto* first = new QComboBox(&root);
        first->addItems({"a", "b"});
        WheelGuard* guard = WheelGuard::install(&root);
        QCOMPARE(first->focusPolicy(), Qt::StrongFocus);
        auto* later = new QComboBox(&root);
        later->addItems({"a", "b"});
        QVERIFY(!WheelGuard::isGuarded(later));
        QCOMPARE(WheelGuard::install(&root), guard);
        QVERIFY(WheelGuard::isGuarded(later));
        QCOMPARE(root.findChildren<WheelGuard*>().size(), 1);
        QVERIFY(!wheel(later, -1));
        QCOMPARE(later->currentIndex(), 0);
    }
};

QTEST_MAIN(TestWheelGuard)
#include "tst_wheelguard.moc"

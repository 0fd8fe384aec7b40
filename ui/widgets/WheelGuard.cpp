#include "ui/widgets/WheelGuard.h"

#include <QAbstractSlider>
#include <QApplication>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QScrollBar>
#include <QWidget>

namespace sem::ui {

namespace {
const char* const kGuardedProperty = "semWheelGuarded";

// Scroll bars are sliders whose wheel should scroll: they are not guarded.
bool isValueControl(const QWidget* w)
{
    return qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w)
           || (qobject_cast<const QAbstractSlider*>(w) && !qobject_cast<const QScrollBar*>(w));
}
}  // namespace

WheelGuard* WheelGuard::install(QWidget* root)
{
    if (!root)
        return nullptr;
    auto* guard = root->findChild<WheelGuard*>(QString(), Qt::FindDirectChildrenOnly);
    if (!guard)
        guard = new WheelGuard(root);
    QList<QWidget*> widgets = root->findChildren<QWidget*>();
    widgets.prepend(root);
    for (QWidget* w : widgets) {
        // A spin box's line edit and a combo box's view are parts of the control, not controls.
        if (!isValueControl(w) || w->property(kGuardedProperty).toBool())
            continue;
        if (w->focusPolicy() == Qt::WheelFocus)
            w->setFocusPolicy(Qt::StrongFocus);
        w->installEventFilter(guard);
        w->setProperty(kGuardedProperty, true);
    }
    return guard;
}

bool WheelGuard::isGuarded(const QWidget* widget)
{
    return widget && widget->property(kGuardedProperty).toBool();
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Wheel) {
        const auto* w = qobject_cast<QWidget*>(watched);
        const QWidget* focus = QApplication::focusWidget();
        if (w && !w->hasFocus() && !(focus && w->isAncestorOf(focus))) {
            event->ignore();  // not accepted: QApplication passes it on to the parent (the scroll area)
            return true;      // and the control never sees it
        }
    }
    return QObject::eventFilter(watched, event);
}

}  // namespace sem::ui

#pragma once
#include <QObject>

class QWidget;

namespace sem::ui {

// Keeps the mouse wheel from changing a value the user did not pick: scrolling a side panel over
// a combo box, spin box or slider scrolls the panel instead of turning the control (as Qt
// Creator does). install() gives every such control under `root` Qt::StrongFocus (a wheel no
// longer focuses it) and an event filter that ignores wheel events while the control has no
// focus: the event then goes on to the scroll area. A focused control still reacts to the wheel.
// Controls added to `root` later are guarded when install() is called again (idempotent).
class WheelGuard : public QObject {
    Q_OBJECT
public:
    // Guards the controls under `root`; the guard is a child of `root`, shared by later calls.
    static WheelGuard* install(QWidget* root);
    static bool isGuarded(const QWidget* widget);  // the filter is installed on it

    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit WheelGuard(QObject* parent) : QObject(parent) {}
};

}  // namespace sem::ui

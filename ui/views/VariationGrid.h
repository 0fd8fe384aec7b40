#pragma once
#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>

class QButtonGroup;
class QGridLayout;
class QLabel;
class QToolButton;

namespace sem::ui {

// The variations of a decode side by side (as A1111/ComfyUI's batch grid): one thumbnail button
// per seed, labelled with its seed and measures. Clicking one emits picked(index); the current one
// is checked. It only shows: MainWindow decodes the variations and applies the pick. MainWindow
// shows it as a tool window that can be closed and shown again.
class VariationGrid : public QWidget {
    Q_OBJECT
public:
    struct Item {
        QImage thumbnail;
        QString label;    // e.g. "seed 42\nPSNR 24.1 dB · 0.031 bpp"
        QString toolTip;
    };
    static constexpr int kThumbnailSide = 224;  // the longest side of a thumbnail

    explicit VariationGrid(QWidget* parent = nullptr);

    void setItems(const QVector<Item>& items, const QString& heading);
    void clear();
    int count() const { return int(m_buttons.size()); }
    void setCurrent(int index);  // checks it; emits nothing
    int current() const;         // -1: none
    QToolButton* button(int index) const { return m_buttons.value(index); }
    QString labelText(int index) const;
    QString headingText() const;

signals:
    void picked(int index);  // the user clicked variation `index`

private:
    QLabel* m_heading = nullptr;
    QGridLayout* m_grid = nullptr;
    QButtonGroup* m_group = nullptr;
    QVector<QToolButton*> m_buttons;
};

}  // namespace sem::ui

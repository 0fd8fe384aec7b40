#pragma once
#include <QWidget>
#include <cstddef>

#include "core/hint/HintCodec.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace sem::ui {

// The colour hint: off or a thumbnail of 1/8 .. 1/64 of each side, its codec quality
// (or the measured default), and its coded size.
class HintPanel : public QWidget {
    Q_OBJECT
public:
    explicit HintPanel(QWidget* parent = nullptr);

    HintParams params() const;
    void setParams(const HintParams& params);  // does not emit paramsChanged()
    void setCodedSize(std::size_t bytes, int thumbWidth, int thumbHeight);
    void setOff();
    void setError(const QString& message);
    QString statusText() const;

    QComboBox* factorCombo() const { return m_factor; }
    QSpinBox* qualitySpin() const { return m_quality; }

signals:
    void paramsChanged();

private:
    void updateEnabled();

    QComboBox* m_factor = nullptr;
    QSpinBox* m_quality = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace sem::ui

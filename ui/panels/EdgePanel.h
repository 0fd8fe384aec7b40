#pragma once
#include <QWidget>

#include "core/edges/CannyParams.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace sem::ui {

// The edge rate knobs (DESIGN §4): low/high thresholds (slider + spin box), Auto, pre-blur,
// map scale, minimum fragment length, one map per RGB channel. Emits paramsChanged() on every
// change, including while a slider is dragged; the main window coalesces the work.
class EdgePanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxThreshold = 800;

    explicit EdgePanel(QWidget* parent = nullptr);

    CannyParams params() const;
    void setParams(const CannyParams& params);  // does not emit paramsChanged()

    // Result of the last extraction: map size, edge pixels and coded bytes; or an error.
    void setResult(int mapWidth, int mapHeight, long long edgePixels, std::size_t codedBytes);
    void setError(const QString& message);
    QString statusText() const;

    QSlider* lowSlider() const { return m_lowSlider; }
    QSlider* highSlider() const { return m_highSlider; }
    QSpinBox* lowSpin() const { return m_lowSpin; }
    QSpinBox* highSpin() const { return m_highSpin; }
    QCheckBox* autoCheck() const { return m_auto; }
    QDoubleSpinBox* blurSpin() const { return m_blur; }
    QComboBox* scaleCombo() const { return m_scale; }
    QSpinBox* minLengthSpin() const { return m_minLength; }
    QCheckBox* rgbCheck() const { return m_rgb; }

signals:
    void paramsChanged();

private:
    void onLowChanged(int value);
    void onHighChanged(int value);
    void setThresholdWidgets(int low, int high);
    void updateEnabled();

    CannyParams m_base;  // fields without a widget (aperture, L2, auto sigma) come from here
    QSlider* m_lowSlider = nullptr;
    QSlider* m_highSlider = nullptr;
    QSpinBox* m_lowSpin = nullptr;
    QSpinBox* m_highSpin = nullptr;
    QCheckBox* m_auto = nullptr;
    QDoubleSpinBox* m_blur = nullptr;
    QComboBox* m_scale = nullptr;
    QSpinBox* m_minLength = nullptr;
    QCheckBox* m_rgb = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace sem::ui

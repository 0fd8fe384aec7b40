#include "ui/panels/EdgePanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <algorithm>
#include <cmath>

namespace sem::ui {

namespace {

void makeThresholdRow(QWidget* parent, QSlider*& slider, QSpinBox*& spin, QHBoxLayout*& row)
{
    slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(0, EdgePanel::kMaxThreshold);
    slider->setTracking(true);
    spin = new QSpinBox(parent);
    spin->setRange(0, EdgePanel::kMaxThreshold);
    row = new QHBoxLayout;
    row->addWidget(slider, 1);
    row->addWidget(spin);
}

}  // namespace

EdgePanel::EdgePanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    QHBoxLayout* lowRow = nullptr;
    QHBoxLayout* highRow = nullptr;
    makeThresholdRow(this, m_lowSlider, m_lowSpin, lowRow);
    makeThresholdRow(this, m_highSlider, m_highSpin, highRow);
    m_lowSlider->setObjectName("lowSlider");
    m_highSlider->setObjectName("highSlider");
    m_lowSlider->setToolTip(tr("Canny low (hysteresis) threshold on the gradient magnitude"));
    m_highSlider->setToolTip(tr("Canny high threshold: higher keeps fewer, stronger edges and costs fewer bits"));

    m_auto = new QCheckBox(tr("Auto (from the median)"), this);
    m_blur = new QDoubleSpinBox(this);
    m_blur->setRange(0.0, 20.0);
    m_blur->setSingleStep(0.25);
    m_blur->setDecimals(2);
    m_blur->setSpecialValueText(tr("None"));
    m_blur->setToolTip(tr("Gaussian pre-blur sigma in map pixels"));
    m_scale = new QComboBox(this);
    for (int d : {1, 2, 4, 8})
        m_scale->addItem(d == 1 ? tr("Full (1)") : QStringLiteral("1/%1").arg(d), d);
    m_scale->setToolTip(tr("Edge map resolution relative to the image"));
    m_minLength = new QSpinBox(this);
    m_minLength->setRange(0, 10000);
    m_minLength->setSpecialValueText(tr("Keep all"));
    m_minLength->setSuffix(tr(" px"));
    m_minLength->setToolTip(tr("Drop 8-connected edge fragments with fewer pixels than this"));
    m_rgb = new QCheckBox(tr("One map per colour channel (RGB)"), this);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    form->addRow(tr("Low"), lowRow);
    form->addRow(tr("High"), highRow);
    form->addRow(QString(), m_auto);
    form->addRow(tr("Blur"), m_blur);
    form->addRow(tr("Scale"), m_scale);
    form->addRow(tr("Min. length"), m_minLength);
    form->addRow(QString(), m_rgb);
    form->addRow(m_status);

    setParams(CannyParams{});

    connect(m_lowSlider, &QSlider::valueChanged, this, &EdgePanel::onLowChanged);
    connect(m_lowSpin, qOverload<int>(&QSpinBox::valueChanged), this, &EdgePanel::onLowChanged);
    connect(m_highSlider, &QSlider::valueChanged, this, &EdgePanel::onHighChanged);
    connect(m_highSpin, qOverload<int>(&QSpinBox::valueChanged), this, &EdgePanel::onHighChanged);
    connect(m_auto, &QCheckBox::toggled, this, [this] {
        updateEnabled();
        emit paramsChanged();
    });
    connect(m_blur, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &EdgePanel::paramsChanged);
    connect(m_scale, qOverload<int>(&QComboBox::currentIndexChanged), this, &EdgePanel::paramsChanged);
    connect(m_minLength, qOverload<int>(&QSpinBox::valueChanged), this, &EdgePanel::paramsChanged);
    connect(m_rgb, &QCheckBox::toggled, this, &EdgePanel::paramsChanged);
}

CannyParams EdgePanel::params() const
{
    CannyParams p = m_base;
    p.low = m_lowSpin->value();
    p.high = m_highSpin->value();
    p.autoThresholds = m_auto->isChecked();
    p.blurSigma = m_blur->value();
    p.scaleDenominator = m_scale->currentData().toInt();
    p.minLength = m_minLength->value();
    p.perChannel = m_rgb->isChecked();
    return p;
}

void EdgePanel::setParams(const CannyParams& params)
{
    m_base = params;
    const QSignalBlocker b1(m_auto), b2(m_blur), b3(m_scale), b4(m_minLength), b5(m_rgb);
    const int low = int(std::lround(std::clamp(params.low, 0.0, double(kMaxThreshold))));
    const int high = int(std::lround(std::clamp(params.high, 0.0, double(kMaxThreshold))));
    setThresholdWidgets(low, std::max(low, high));
    m_auto->setChecked(params.autoThresholds);
    m_blur->setValue(params.blurSigma);
    const int index = m_scale->findData(params.scaleDenominator);
    m_scale->setCurrentIndex(index >= 0 ? index : m_scale->findData(4));
    m_minLength->setValue(params.minLength);
    m_rgb->setChecked(params.perChannel);
    updateEnabled();
}

void EdgePanel::setThresholdWidgets(int low, int high)
{
    const QSignalBlocker b1(m_lowSlider), b2(m_lowSpin), b3(m_highSlider), b4(m_highSpin);
    m_lowSlider->setValue(low);
    m_lowSpin->setValue(low);
    m_highSlider->setValue(high);
    m_highSpin->setValue(high);
}

void EdgePanel::onLowChanged(int value)
{
    // Canny needs low <= high: pushing low past high drags high along.
    setThresholdWidgets(value, std::max(value, m_highSpin->value()));
    emit paramsChanged();
}

void EdgePanel::onHighChanged(int value)
{
    setThresholdWidgets(std::min(value, m_lowSpin->value()), value);
    emit paramsChanged();
}

void EdgePanel::updateEnabled()
{
    const bool manual = !m_auto->isChecked();
    for (QWidget* w : {static_cast<QWidget*>(m_lowSlider), static_cast<QWidget*>(m_lowSpin),
                       static_cast<QWidget*>(m_highSlider), static_cast<QWidget*>(m_highSpin)})
        w->setEnabled(manual);
}

void EdgePanel::setResult(int mapWidth, int mapHeight, long long edgePixels, std::size_t codedBytes)
{
    const QLocale locale;
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Map %1 × %2, %3 edge pixels, %4 bytes coded")
                          .arg(mapWidth)
                          .arg(mapHeight)
                          .arg(locale.toString(edgePixels))
                          .arg(locale.toString(qulonglong(codedBytes))));
}

void EdgePanel::setError(const QString& message)
{
    m_status->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_status->setText(message);
}

QString EdgePanel::statusText() const
{
    return m_status->text();
}

}  // namespace sem::ui

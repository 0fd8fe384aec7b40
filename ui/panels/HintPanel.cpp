#include "ui/panels/HintPanel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>

namespace sem::ui {

HintPanel::HintPanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    m_factor = new QComboBox(this);
    m_factor->addItem(tr("Off"), 0);
    for (int f : {4, 8, 16, 32, 64})
        m_factor->addItem(QStringLiteral("1/%1").arg(f), f);
    m_factor->setToolTip(tr("Colour thumbnail side relative to the image"));
    m_quality = new QSpinBox(this);
    m_quality->setRange(0, 100);  // 0 shows "Default" and means the codec's measured default
    m_quality->setSpecialValueText(tr("Default"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    form->addRow(tr("Size"), m_factor);
    form->addRow(tr("Quality"), m_quality);
    form->addRow(m_status);
    setParams(HintParams{});
    setOff();
    connect(m_factor, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        updateEnabled();
        emit paramsChanged();
    });
    connect(m_quality, qOverload<int>(&QSpinBox::valueChanged), this, &HintPanel::paramsChanged);
}

HintParams HintPanel::params() const
{
    HintParams p;
    p.factor = m_factor->currentData().toInt();
    p.quality = m_quality->value() == 0 ? -1 : m_quality->value();
    return p;
}

void HintPanel::setParams(const HintParams& params)
{
    const QSignalBlocker b1(m_factor), b2(m_quality);
    const int index = m_factor->findData(params.factor);
    m_factor->setCurrentIndex(index >= 0 ? index : 0);
    m_quality->setValue(params.quality >= 1 && params.quality <= 100 ? params.quality : 0);
    updateEnabled();
}

void HintPanel::updateEnabled()
{
    m_quality->setEnabled(m_factor->currentData().toInt() != 0);
}

void HintPanel::setCodedSize(std::size_t bytes, int thumbWidth, int thumbHeight)
{
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Thumbnail %1 × %2, %3 bytes coded").arg(thumbWidth).arg(thumbHeight).arg(bytes));
}

void HintPanel::setOff()
{
    m_status->setStyleSheet(QString());
    m_status->setText(tr("No hint: 0 bytes"));
}

void HintPanel::setError(const QString& message)
{
    m_status->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_status->setText(message);
}

QString HintPanel::statusText() const
{
    return m_status->text();
}

}  // namespace sem::ui

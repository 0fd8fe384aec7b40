#include "ui/DecodePanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QToolButton>
#include <algorithm>
#include <cmath>

namespace sem::ui {

DecodePanel::DecodePanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);

    auto* modelRow = new QHBoxLayout;
    m_modelPath = new QLineEdit(this);
    m_modelPath->setPlaceholderText(tr("default model"));
    m_modelPath->setClearButtonEnabled(true);
    auto* browse = new QToolButton(this);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(tr("Choose a model directory"));
    modelRow->addWidget(m_modelPath, 1);
    modelRow->addWidget(browse);
    form->addRow(tr("Model"), modelRow);
    m_modelText = new QLabel(this);
    m_modelText->setWordWrap(true);
    form->addRow(QString(), m_modelText);

    m_device = new QComboBox(this);
    for (const char* d : {"auto", "cpu", "cuda"})
        m_device->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    form->addRow(tr("Device"), m_device);

    m_sampler = new QComboBox(this);
    m_sampler->addItem(tr("DPM-Solver++ 2M"), int(DecodeSettings::DpmPp2M));
    m_sampler->addItem(tr("DDIM"), int(DecodeSettings::Ddim));
    m_sampler->addItem(tr("DDPM"), int(DecodeSettings::Ddpm));
    form->addRow(tr("Sampler"), m_sampler);

    m_steps = new QSpinBox(this);
    m_steps->setRange(1, 1000);
    m_steps->setValue(20);
    form->addRow(tr("Steps"), m_steps);

    m_eta = new QDoubleSpinBox(this);
    m_eta->setRange(0.0, 1.0);
    m_eta->setSingleStep(0.1);
    m_eta->setDecimals(2);
    form->addRow(tr("DDIM eta"), m_eta);

    auto* seedRow = new QHBoxLayout;
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 2147483647);
    m_randomSeed = new QCheckBox(tr("random"), this);
    m_randomSeed->setToolTip(tr("Draw a new seed for every decode (the seed used is recorded in the .sem)"));
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_randomSeed);
    form->addRow(tr("Seed"), seedRow);

    m_guidance = new QDoubleSpinBox(this);
    m_guidance->setRange(0.0, 30.0);
    m_guidance->setSingleStep(0.5);
    m_guidance->setDecimals(1);
    m_guidance->setValue(2.0);
    m_guidance->setToolTip(tr("Classifier-free guidance of sampled decodes: how strongly the caption and, for a model "
                              "with edge guidance, the edges steer the result (1 = none). The fidelity decode is "
                              "unguided."));
    form->addRow(tr("Guidance"), m_guidance);

    m_strength = new QDoubleSpinBox(this);
    m_strength->setRange(0.01, 1.0);
    m_strength->setSingleStep(0.05);
    m_strength->setDecimals(2);
    m_strength->setValue(Decoder::kDefaultStrengthPercent / 100.0);
    m_strength->setToolTip(tr("Sampled decodes: 1 redraws the image from pure noise; less starts from the first "
                              "step's prediction (the fidelity decode at guidance 1) and redraws only that share of "
                              "the steps: sharper than the fidelity decode, less mottled than a decode from noise, "
                              "and faster."));
    form->addRow(tr("Strength"), m_strength);

    m_fidelity = new QCheckBox(tr("Fidelity: one-step x0 decode (maximum PSNR)"), this);
    form->addRow(QString(), m_fidelity);
    m_force = new QCheckBox(tr("Decode even if the file names another model"), this);
    m_force->setToolTip(tr("A .sem records the model it was made for; another model gives another image."));
    form->addRow(QString(), m_force);

    m_previewEvery = new QSpinBox(this);
    m_previewEvery->setRange(0, 1000);
    m_previewEvery->setValue(5);
    m_previewEvery->setSpecialValueText(tr("no previews"));
    m_previewEvery->setSuffix(tr(" steps"));
    form->addRow(tr("Preview every"), m_previewEvery);

    auto* buttons = new QHBoxLayout;
    m_decode = new QPushButton(tr("Decode"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    buttons->addWidget(m_decode);
    buttons->addWidget(m_stop);
    form->addRow(buttons);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    form->addRow(m_progress);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    form->addRow(m_status);

    connect(m_decode, &QPushButton::clicked, this, &DecodePanel::decodeRequested);
    connect(m_stop, &QPushButton::clicked, this, &DecodePanel::stopRequested);
    connect(m_modelPath, &QLineEdit::editingFinished, this, &DecodePanel::modelChanged);
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this, &DecodePanel::modelChanged);
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model Directory"), m_modelPath->text());
        if (!dir.isEmpty()) {
            m_modelPath->setText(dir);
            emit modelChanged();
        }
    });
    connect(m_sampler, qOverload<int>(&QComboBox::currentIndexChanged), this, &DecodePanel::updateEnabled);
    connect(m_fidelity, &QCheckBox::toggled, this, &DecodePanel::updateEnabled);
    connect(m_randomSeed, &QCheckBox::toggled, this, &DecodePanel::updateEnabled);
    setAvailability(false, tr("Open an image or a .sem file first."));
}

DecodeRequest DecodePanel::takeRequest()
{
    if (m_randomSeed->isChecked())
        m_seed->setValue(int(QRandomGenerator::global()->bounded(2147483647)));
    const DecodeSettings s = settings();
    DecodeRequest r;
    r.sampler = s.sampler;
    r.steps = int(s.steps);
    r.eta = float(s.etaHundredths) / 100.0f;
    r.guidance = float(s.guidanceTenths) / 10.0f;
    r.seed = s.seed;
    r.strength = float(s.strengthPercent) / 100.0f;
    r.fidelity = s.fidelity;
    r.previewEvery = previewEvery();
    r.force = m_force->isChecked();
    return r;
}

DecodeSettings DecodePanel::settings() const
{
    DecodeSettings s;
    s.present = true;
    s.sampler = DecodeSettings::Sampler(m_sampler->currentData().toInt());
    s.steps = std::uint32_t(m_steps->value());
    s.etaHundredths = std::uint32_t(std::lround(m_eta->value() * 100.0));
    s.guidanceTenths = std::uint32_t(std::lround(m_guidance->value() * 10.0));
    s.seed = std::uint32_t(m_seed->value());
    s.fidelity = m_fidelity->isChecked();
    s.strengthPercent = DecodeSettings::toStrengthPercent(m_strength->value());
    return s;
}

void DecodePanel::setSettings(const DecodeSettings& s)
{
    if (!s.present)
        return;
    m_sampler->setCurrentIndex(std::max(0, m_sampler->findData(int(s.sampler))));
    m_steps->setValue(int(s.steps));
    m_eta->setValue(s.etaHundredths / 100.0);
    m_guidance->setValue(s.guidanceTenths / 10.0);
    m_randomSeed->setChecked(false);  // the recorded seed decodes the same
    m_seed->setValue(int(std::min<std::uint32_t>(s.seed, 2147483647u)));
    if (!s.fidelity)  // a fidelity record carries no strength: keep the control's
        m_strength->setValue(s.strengthPercent / 100.0);
    m_fidelity->setChecked(s.fidelity);
}

QString DecodePanel::modelPath() const
{
    return m_modelPath->text().trimmed();
}

void DecodePanel::setModelPath(const QString& path)
{
    m_modelPath->setText(path);
}

QString DecodePanel::device() const
{
    return m_device->currentData().toString();
}

void DecodePanel::setDevice(const QString& device)
{
    const int i = m_device->findData(device);
    m_device->setCurrentIndex(i < 0 ? 0 : i);
}

int DecodePanel::previewEvery() const
{
    return m_previewEvery->value();
}

void DecodePanel::setPreviewEvery(int steps)
{
    m_previewEvery->setValue(steps);
}

void DecodePanel::setAvailability(bool canDecode, const QString& reason)
{
    m_canDecode = canDecode;
    m_reason = reason;
    m_decode->setToolTip(canDecode ? tr("Decode the current .sem with these settings") : reason);
    if (!m_running)
        setStatus(canDecode ? QString() : reason, false);
    updateEnabled();
}

void DecodePanel::setModelText(const QString& text)
{
    m_modelText->setText(text);
}

QString DecodePanel::modelText() const
{
    return m_modelText->text();
}

void DecodePanel::setRunning(bool running)
{
    m_running = running;
    if (running) {
        m_progress->setRange(0, 0);  // busy until the first step reports
        setStatus(tr("Loading the model…"));
    } else {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
    }
    updateEnabled();
}

void DecodePanel::setProgress(int step, int total, double elapsedSeconds)
{
    if (total <= 0)
        return;
    m_progress->setRange(0, total);
    m_progress->setValue(step);
    const double perStep = step > 0 ? elapsedSeconds / step : 0.0;
    const double eta = perStep * (total - step);
    setStatus(tr("Step %1 of %2, %3 s elapsed, about %4 s left")
                  .arg(step)
                  .arg(total)
                  .arg(QString::number(elapsedSeconds, 'f', 1))
                  .arg(QString::number(eta, 'f', 1)));
}

void DecodePanel::setStatus(const QString& text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
    m_status->setText(text);
}

QString DecodePanel::statusText() const
{
    return m_status->text();
}

void DecodePanel::updateEnabled()
{
    const bool idle = !m_running;
    const bool fidelity = m_fidelity->isChecked();
    m_decode->setEnabled(idle && m_canDecode);
    m_stop->setEnabled(m_running);
    m_modelPath->setEnabled(idle);
    m_device->setEnabled(idle);
    m_sampler->setEnabled(idle && !fidelity);
    m_steps->setEnabled(idle && !fidelity);
    m_eta->setEnabled(idle && !fidelity && m_sampler->currentData().toInt() == int(DecodeSettings::Ddim));
    m_seed->setEnabled(idle && !m_randomSeed->isChecked());
    m_randomSeed->setEnabled(idle);
    m_guidance->setEnabled(idle && !fidelity);
    m_strength->setEnabled(idle && !fidelity);
    m_fidelity->setEnabled(idle);
    m_force->setEnabled(idle);
    m_previewEvery->setEnabled(idle);
}

}  // namespace sem::ui

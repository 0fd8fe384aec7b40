#include "ui/panels/DecodePanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <algorithm>
#include <cmath>

namespace sem::ui {

DecodePanel::DecodePanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    m_form = form;
    form->setContentsMargins(0, 0, 0, 0);
    buildModelRows(form);
    buildSamplerRows(form);
    buildStableDiffusionRows(form);
    buildActionRows(form);

    connect(m_decode, &QPushButton::clicked, this, &DecodePanel::decodeRequested);
    connect(m_stop, &QPushButton::clicked, this, &DecodePanel::stopRequested);
    connect(m_modelPath, &QLineEdit::editingFinished, this, &DecodePanel::modelChanged);
    connect(m_controlnet, &QLineEdit::editingFinished, this, &DecodePanel::modelChanged);
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this, &DecodePanel::modelChanged);
    connect(m_sampler, qOverload<int>(&QComboBox::currentIndexChanged), this, &DecodePanel::updateEnabled);
    connect(m_fidelity, &QCheckBox::toggled, this, &DecodePanel::updateEnabled);
    connect(m_randomSeed, &QCheckBox::toggled, this, &DecodePanel::updateEnabled);
    connect(m_variations, qOverload<int>(&QSpinBox::valueChanged), this, &DecodePanel::variationsChanged);
    connect(m_showVariations, &QPushButton::clicked, this, &DecodePanel::showVariationsRequested);
    m_family = DecodeSettings::StableDiffusion1;  // so that the next line applies the built-in family
    setFamily(DecodeSettings::BuiltIn);
    m_kept.clear();  // nothing was shown for the other family yet: its defaults apply
    setAvailability(false, tr("Open an image or a .sem file first."));
}

void DecodePanel::fillSamplers()
{
    const QVariant current = m_sampler->currentData();
    const QSignalBlocker block(m_sampler);
    m_sampler->clear();
    m_sampler->addItem(tr("DPM-Solver++ 2M"), int(DecodeSettings::DpmPp2M));
    m_sampler->addItem(tr("DDIM"), int(DecodeSettings::Ddim));
    if (m_family == DecodeSettings::StableDiffusion1) {
        m_sampler->addItem(tr("Euler"), int(DecodeSettings::Euler));
        m_sampler->addItem(tr("Euler ancestral"), int(DecodeSettings::EulerAncestral));
    } else {
        m_sampler->addItem(tr("DDPM"), int(DecodeSettings::Ddpm));
    }
    m_sampler->setCurrentIndex(std::max(0, m_sampler->findData(current)));
}

void DecodePanel::setFamily(DecodeSettings::Family family)
{
    if (family == m_family)
        return;
    m_kept[int(m_family)] = Kept{settings(), m_randomSeed->isChecked(), true};  // the family left keeps its settings
    m_family = family;
    const bool sd = family == DecodeSettings::StableDiffusion1;
    fillSamplers();
    const auto kept = m_kept.find(int(family));
    if (kept != m_kept.end()) {
        const Kept k = kept->second;
        m_kept.erase(kept);
        showSettings(k.settings);
        m_randomSeed->setChecked(k.randomSeed);
        if (k.fromControls)
            m_strength->setValue(k.settings.strengthPercent / 100.0);
    } else {
        // The family's own defaults (Decoder::resolve): a guidance and strength tuned for the other
        // family mean something else here.
        m_guidance->setValue(sd ? 7.5 : 2.0);
        m_strength->setValue((sd ? Decoder::kDefaultSdStrengthPercent : Decoder::kDefaultStrengthPercent) / 100.0);
    }
    for (QWidget* w : {static_cast<QWidget*>(m_controlnetRow), static_cast<QWidget*>(m_controlScale),
                       static_cast<QWidget*>(m_workSize), static_cast<QWidget*>(m_colourFix),
                       static_cast<QWidget*>(m_karras), static_cast<QWidget*>(m_negative)})
        m_form->setRowVisible(w, sd);
    // Stable Diffusion has no one-step fidelity decode.
    if (sd)
        m_fidelity->setChecked(false);
    m_form->setRowVisible(m_fidelity, !sd);
    updateEnabled();
}

bool DecodePanel::isRowShown(QWidget* field) const
{
    int row = -1;
    QFormLayout::ItemRole role;
    m_form->getWidgetPosition(field, &row, &role);
    return row >= 0 && m_form->isRowVisible(row);
}

QString DecodePanel::controlnetPath() const
{
    return m_controlnet->text().trimmed();
}

void DecodePanel::setControlnetPath(const QString& path)
{
    m_controlnet->setText(path);
}

DecodeRequest DecodePanel::takeRequest()
{
    if (m_randomSeed->isChecked())  // room for the variations' seeds after it
        m_seed->setValue(int(QRandomGenerator::global()->bounded(int(kMaxSeed) - kMaxVariations + 2)));
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
    if (m_family == DecodeSettings::StableDiffusion1) {
        r.controlScale = float(s.controlScaleHundredths) / 100.0f;
        r.workSize = int(s.workSize);
        r.colourFix = s.colourFix;
        r.karras = s.karras;
        r.negativePrompt = m_negative->text().trimmed().toStdString();
    }
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
    s.family = m_family;
    s.fidelity = m_family == DecodeSettings::BuiltIn && m_fidelity->isChecked();
    s.strengthPercent = DecodeSettings::toStrengthPercent(m_strength->value());
    if (m_family == DecodeSettings::StableDiffusion1) {
        s.controlScaleHundredths = std::uint32_t(std::lround(m_controlScale->value() * 100.0));
        s.workSize = std::uint32_t(m_workSize->value() / 8 * 8);
        s.colourFix = m_colourFix->isChecked();
        s.karras = m_karras->isChecked();
    }
    return s;
}

std::optional<DecodeSettings> DecodePanel::keptSettings(DecodeSettings::Family family) const
{
    const auto it = m_kept.find(int(family));
    return it == m_kept.end() ? std::nullopt : std::optional<DecodeSettings>(it->second.settings);
}

void DecodePanel::setSettings(const DecodeSettings& s)
{
    if (!s.present)
        return;
    // Settings recorded for another family's model do not apply to this one (Decoder::resolve):
    // they wait for a model of their family; the controls keep the user's settings for this one.
    if (s.family != m_family) {
        m_kept[int(s.family)] = Kept{s, false, false};  // the recorded seed decodes the same
        return;
    }
    showSettings(s);
}

void DecodePanel::showSettings(const DecodeSettings& s)
{
    if (s.family == DecodeSettings::StableDiffusion1) {
        m_controlScale->setValue(s.controlScaleHundredths / 100.0);
        m_workSize->setValue(int(s.workSize));
        m_colourFix->setChecked(s.colourFix);
        m_karras->setChecked(s.karras);
    }
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

int DecodePanel::variations() const
{
    return settings().fidelity ? 1 : m_variations->value();
}

void DecodePanel::setVariations(int count)
{
    m_variations->setValue(std::clamp(count, 1, kMaxVariations));
}

std::vector<std::uint32_t> DecodePanel::variationSeeds(std::uint32_t first, int count)
{
    std::vector<std::uint32_t> seeds;
    std::uint32_t seed = std::min(first, kMaxSeed);
    for (int i = 0; i < count; ++i) {
        seeds.push_back(seed);
        seed = seed == kMaxSeed ? 0u : seed + 1u;
    }
    return seeds;
}

void DecodePanel::useSeed(std::uint32_t seed)
{
    m_randomSeed->setChecked(false);
    m_seed->setValue(int(std::min(seed, kMaxSeed)));
}

void DecodePanel::setVariationsAvailable(bool available)
{
    m_variationsAvailable = available;
    updateEnabled();
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

void DecodePanel::setLoading(const QString& part, int index, int count)
{
    if (count <= 0)
        return;
    m_progress->setRange(0, count);
    m_progress->setValue(index - 1);
    setStatus(tr("Loading the model: %1 (%2 of %3)…").arg(part).arg(index).arg(count));
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
    m_controlnetRow->setEnabled(idle);
    m_device->setEnabled(idle);
    const int sampler = m_sampler->currentData().toInt();
    m_controlScale->setEnabled(idle);
    m_workSize->setEnabled(idle);
    m_colourFix->setEnabled(idle);
    m_karras->setEnabled(idle && (sampler == int(DecodeSettings::DpmPp2M) || sampler == int(DecodeSettings::Euler)));
    m_negative->setEnabled(idle);
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
    // The fidelity decode is one deterministic evaluation: no seed, nothing to vary.
    const bool sampled = !settings().fidelity;
    m_variations->setEnabled(idle && sampled);
    m_variations->setToolTip(
        sampled ? tr("Decode this many seeds side by side (the seed, seed+1, …) and pick one; 1 = one decode")
                : tr("The fidelity decode is deterministic: every seed gives the same picture, so there is "
                     "nothing to vary. Variations are for sampled decodes."));
    m_showVariations->setEnabled(m_variationsAvailable);
}

}  // namespace sem::ui

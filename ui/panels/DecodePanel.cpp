#include "ui/panels/DecodePanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
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
    m_family = DecodeSettings::StableDiffusion1;  // so that the next line applies the built-in family
    setFamily(DecodeSettings::BuiltIn);
    m_kept.clear();  // nothing was shown for the other family yet: its defaults apply
    setAvailability(false, tr("Open an image or a .sem file first."));
}

// A path field with a "…" button that offers a folder or a file.
QWidget* DecodePanel::pathRow(QLineEdit* edit, const QString& what, const QString& fileTitle)
{
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QToolButton(row);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(tr("Choose a %1 folder or file").arg(what));
    browse->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(browse);
    auto choose = [this, edit](bool folder, const QString& title) {
        const QString path = browseModel(folder, title, edit->text());
        if (!path.isEmpty()) {
            edit->setText(path);
            emit modelChanged();
        }
    };
    connect(menu->addAction(tr("Folder…")), &QAction::triggered, this,
            [choose, what] { choose(true, tr("%1 folder").arg(what)); });
    connect(menu->addAction(tr("File…")), &QAction::triggered, this, [choose, fileTitle] { choose(false, fileTitle); });
    browse->setMenu(menu);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    return row;
}

// Model, ControlNet, device.
void DecodePanel::buildModelRows(QFormLayout* form)
{
    m_modelPath = new QLineEdit(this);
    m_modelPath->setPlaceholderText(tr("default model"));
    m_modelPath->setClearButtonEnabled(true);
    m_modelPath->setToolTip(tr("The built-in model's folder, or a Stable Diffusion 1.x model: a diffusers folder, a "
                               "single-file checkpoint (.safetensors) or a model set (.json)"));
    form->addRow(tr("Model"), pathRow(m_modelPath, tr("Model"), tr("Model file (checkpoint or model set)")));
    m_modelText = new QLabel(this);
    m_modelText->setWordWrap(true);
    form->addRow(QString(), m_modelText);
    m_controlnet = new QLineEdit(this);
    m_controlnet->setPlaceholderText(tr("the model's own, or none"));
    m_controlnet->setClearButtonEnabled(true);
    m_controlnet->setToolTip(tr("A Canny ControlNet for the Stable Diffusion model (a diffusers folder or a single "
                                "file such as control_v11p_sd15_canny.safetensors): the edge map drives it"));
    m_controlnetRow = pathRow(m_controlnet, tr("ControlNet"), tr("ControlNet file"));
    form->addRow(tr("ControlNet"), m_controlnetRow);

    m_device = new QComboBox(this);
    for (const char* d : {"auto", "cpu", "cuda"})
        m_device->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    form->addRow(tr("Device"), m_device);
}

// Sampler, steps, eta, seed, guidance, strength.
void DecodePanel::buildSamplerRows(QFormLayout* form)
{
    m_sampler = new QComboBox(this);
    fillSamplers();
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
}

// Stable Diffusion: control scale, working size, colour fix, Karras sigmas, negative prompt.
void DecodePanel::buildStableDiffusionRows(QFormLayout* form)
{
    m_controlScale = new QDoubleSpinBox(this);
    m_controlScale->setRange(0.0, 5.0);
    m_controlScale->setSingleStep(0.1);
    m_controlScale->setDecimals(2);
    m_controlScale->setValue(1.0);
    m_controlScale->setToolTip(tr("How strongly the edge map steers the picture through the ControlNet (0 = not at "
                                  "all)"));
    form->addRow(tr("Control scale"), m_controlScale);
    m_workSize = new QSpinBox(this);
    m_workSize->setRange(64, 2048);
    m_workSize->setSingleStep(64);
    m_workSize->setValue(768);
    m_workSize->setSuffix(tr(" px"));
    m_workSize->setToolTip(tr("The longest side of the size the model draws at (a multiple of 8; Stable Diffusion 1.x "
                              "draws best near 512–768); the result is resized to the image's size"));
    form->addRow(tr("Working size"), m_workSize);
    m_colourFix = new QCheckBox(tr("Colour fix: colours from the hint"), this);
    m_colourFix->setChecked(true);
    m_colourFix->setToolTip(tr("Take the output's low frequencies (its colours) from the colour hint"));
    form->addRow(QString(), m_colourFix);
    m_karras = new QCheckBox(tr("Karras sigmas"), this);
    m_karras->setChecked(true);
    m_karras->setToolTip(tr("Karras noise levels for DPM++ 2M and Euler"));
    form->addRow(QString(), m_karras);
    m_negative = new QLineEdit(this);
    m_negative->setPlaceholderText(tr("none"));
    m_negative->setToolTip(tr("The negative prompt of guidance (not recorded in the .sem)"));
    form->addRow(tr("Negative prompt"), m_negative);
}

// Fidelity, force, previews, Decode/Stop, progress and status.
void DecodePanel::buildActionRows(QFormLayout* form)
{
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
}

QString DecodePanel::browseModel(bool folder, const QString& title, const QString& current)
{
    if (folder)
        return QFileDialog::getExistingDirectory(this, title, current);
    return QFileDialog::getOpenFileName(this, title, current,
                                        tr("Models (*.safetensors *.json);;All files (*)"));
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
}

}  // namespace sem::ui

// DecodePanel's rows: model, sampler, Stable Diffusion and action rows (built once, in the constructor).
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
#include <QSpinBox>
#include <QToolButton>

#include "ui/panels/DecodePanel.h"

namespace sem::ui {

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

    auto* variationsRow = new QHBoxLayout;
    m_variations = new QSpinBox(this);
    m_variations->setRange(1, kMaxVariations);
    m_variations->setValue(1);
    m_showVariations = new QPushButton(tr("Show variations"), this);
    m_showVariations->setToolTip(tr("Show the last variations again and pick one"));
    variationsRow->addWidget(m_variations, 1);
    variationsRow->addWidget(m_showVariations);
    form->addRow(tr("Variations"), variationsRow);

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

}  // namespace sem::ui

#include "ui/dialogs/SettingsDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/caption/CaptionSettings.h"
#include "ui/widgets/WheelGuard.h"
#include "ui/dialogs/ApiKeyField.h"
#include "ui/settings/SettingsRegistry.h"

namespace sem::ui {

QString SettingsDialog::decodeModelPath()
{
    return SettingsRegistry::string(Setting::DecodeModelPath);
}

QString SettingsDialog::decodeControlnetPath()
{
    return SettingsRegistry::string(Setting::DecodeControlnetPath);
}

QString SettingsDialog::decodeDevice()
{
    return SettingsRegistry::string(Setting::DecodeDevice);
}

int SettingsDialog::decodePreviewEvery()
{
    return SettingsRegistry::integer(Setting::DecodePreviewEvery);
}

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);

    auto* caption = new QGroupBox(tr("Caption service (OpenAI-compatible)"), this);
    auto* cform = new QFormLayout(caption);
    m_endpoint = new QLineEdit(caption);
    m_endpoint->setPlaceholderText(QString::fromLatin1(CaptionSettings::kDefaultBaseUrl));
    cform->addRow(tr("Endpoint"), m_endpoint);
    m_model = new QLineEdit(caption);
    cform->addRow(tr("Model"), m_model);
    m_maxWords = new QSpinBox(caption);
    m_maxWords->setRange(CaptionSettings::kMinMaxWords, CaptionSettings::kMaxMaxWords);
    cform->addRow(tr("Max words"), m_maxWords);
    m_detail = new QComboBox(caption);
    m_detail->addItems({QStringLiteral("low"), QStringLiteral("high"), QStringLiteral("auto")});
    cform->addRow(tr("Image detail"), m_detail);
    m_timeout = new QSpinBox(caption);
    m_timeout->setRange(CaptionSettings::kMinTimeoutSeconds, CaptionSettings::kMaxTimeoutSeconds);
    m_timeout->setSuffix(tr(" s"));
    cform->addRow(tr("Timeout"), m_timeout);
    m_keyField = new ApiKeyField(caption);  // keychain, or a session-only key when it fails
    cform->addRow(tr("API key"), m_keyField);
    layout->addWidget(caption);

    auto* decode = new QGroupBox(tr("Decoder"), this);
    auto* dform = new QFormLayout(decode);
    m_modelPath = new QLineEdit(decode);
    m_modelPath->setPlaceholderText(tr("default model"));
    m_modelPath->setToolTip(tr("The built-in model's folder, or a Stable Diffusion 1.x model: a diffusers folder, a "
                               "single-file checkpoint (.safetensors) or a model set (.json)"));
    dform->addRow(tr("Model path"), m_modelPath);
    m_controlnet = new QLineEdit(decode);
    m_controlnet->setPlaceholderText(tr("the model's own, or none"));
    m_controlnet->setToolTip(tr("Stable Diffusion: a Canny ControlNet (diffusers folder or single file)"));
    dform->addRow(tr("ControlNet"), m_controlnet);
    m_device = new QComboBox(decode);
    m_device->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
    dform->addRow(tr("Device"), m_device);
    m_preview = new QSpinBox(decode);
    m_preview->setRange(0, 1000);
    m_preview->setSpecialValueText(tr("no previews"));
    m_preview->setSuffix(tr(" steps"));
    dform->addRow(tr("Preview every"), m_preview);
    layout->addWidget(decode);

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    layout->addWidget(buttons);
    WheelGuard::install(this);  // the wheel does not change a spin box or choice the user did not pick
    load();
}

void SettingsDialog::load()
{
    QStringList warnings;
    const CaptionSettings s = CaptionSettings::load(&warnings);
    m_endpoint->setText(s.baseUrl);
    m_model->setText(s.model);
    m_maxWords->setValue(s.maxWords);
    m_detail->setCurrentText(s.detail);
    m_timeout->setValue(s.timeoutSeconds);
    m_keyField->reset();
    m_modelPath->setText(decodeModelPath());
    m_controlnet->setText(decodeControlnetPath());
    m_device->setCurrentText(decodeDevice());
    m_preview->setValue(decodePreviewEvery());
    m_error->setText(warnings.join(QLatin1Char(' ')));
}

bool SettingsDialog::apply()
{
    CaptionSettings s = CaptionSettings::load();
    s.baseUrl = m_endpoint->text().trimmed().isEmpty() ? QString::fromLatin1(CaptionSettings::kDefaultBaseUrl)
                                                       : m_endpoint->text().trimmed();
    s.model = m_model->text().trimmed();
    s.maxWords = m_maxWords->value();
    s.detail = m_detail->currentText();
    s.timeoutSeconds = m_timeout->value();
    const QStringList problems = s.problems();
    if (!problems.isEmpty()) {
        m_error->setText(problems.join(QLatin1Char(' ')));
        return false;
    }
    QString keyError;
    if (!m_keyField->apply(&keyError)) {
        m_error->setText(keyError);
        return false;  // the key is not written anywhere else
    }
    s.save();
    SettingsRegistry::setValue(Setting::DecodeModelPath, m_modelPath->text().trimmed());
    SettingsRegistry::setValue(Setting::DecodeControlnetPath, m_controlnet->text().trimmed());
    SettingsRegistry::setValue(Setting::DecodeDevice, m_device->currentText());
    SettingsRegistry::setValue(Setting::DecodePreviewEvery, m_preview->value());
    m_error->clear();
    return true;
}

QLineEdit* SettingsDialog::apiKeyEdit() const
{
    return m_keyField->edit();
}

QString SettingsDialog::errorText() const
{
    return m_error->text();
}

void SettingsDialog::accept()
{
    if (apply())
        QDialog::accept();
}

}  // namespace sem::ui

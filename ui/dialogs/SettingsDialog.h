#pragma once
#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sem::ui {

class ApiKeyField;

// Settings (DESIGN §7): the caption service (CaptionSettings, QSettings "caption/"), the API key
// (stored in the OS keychain through ApiKeyStore, never in QSettings; keychain errors shown in
// the dialog), and the decoder's model path, device and preview interval (QSettings "decode/").
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    void load();   // fills the fields from QSettings
    bool apply();  // validates and saves; false with the reason in errorText() (dialog stays open)
    QString errorText() const;

    QLineEdit* endpointEdit() const { return m_endpoint; }
    QLineEdit* modelEdit() const { return m_model; }
    QSpinBox* maxWordsSpin() const { return m_maxWords; }
    QComboBox* detailCombo() const { return m_detail; }
    QSpinBox* timeoutSpin() const { return m_timeout; }
    QLineEdit* apiKeyEdit() const;
    ApiKeyField* apiKeyField() const { return m_keyField; }
    QLineEdit* modelPathEdit() const { return m_modelPath; }
    QComboBox* deviceCombo() const { return m_device; }
    QSpinBox* previewSpin() const { return m_preview; }

    // The decoder settings as stored (SettingsRegistry: keys, defaults, validation).
    static QString decodeModelPath();
    static QString decodeControlnetPath();  // Stable Diffusion: a ControlNet; empty: the model's own
    static QString decodeDevice();
    static int decodePreviewEvery();

    void accept() override;

private:
    QLineEdit* m_endpoint = nullptr;
    QLineEdit* m_model = nullptr;
    QSpinBox* m_maxWords = nullptr;
    QComboBox* m_detail = nullptr;
    QSpinBox* m_timeout = nullptr;
    ApiKeyField* m_keyField = nullptr;
    QLineEdit* m_modelPath = nullptr;
    QLineEdit* m_controlnet = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_preview = nullptr;
    QLabel* m_error = nullptr;
};

}  // namespace sem::ui

#pragma once
#include <QWidget>

#include "core/format/SemFile.h"
#include "core/pipeline/Decoder.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace sem::ui {

// The decoder's settings (DESIGN §5/§7): model, device, sampler, steps, eta, seed (or random),
// guidance, strength, fidelity (one-step x0 decode), preview interval; Decode / Stop, a progress bar with
// an ETA, and a status line for the outcome or the error. It only shows state: MainWindow runs
// the decode (DecodeController) and tells the panel what happens.
class DecodePanel : public QWidget {
    Q_OBJECT
public:
    explicit DecodePanel(QWidget* parent = nullptr);

    // The request for a decode now. With "random" checked a new seed is drawn and shown first,
    // so that the seed recorded in the .sem is the one used.
    DecodeRequest takeRequest();
    void setSettings(const DecodeSettings& settings);  // the recorded settings of an opened .sem
    DecodeSettings settings() const;                   // what the controls say now (present = true)

    QString modelPath() const;  // empty: the default model
    void setModelPath(const QString& path);
    QString device() const;  // "auto", "cpu" or "cuda"
    void setDevice(const QString& device);
    int previewEvery() const;  // 0: no previews
    void setPreviewEvery(int steps);

    // Whether Decode can start, and why not ("no model: ...", "open an image first").
    void setAvailability(bool canDecode, const QString& reason);
    void setModelText(const QString& text);  // "model 1a2b… on cpu", "no model: ..."
    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    void setProgress(int step, int total, double elapsedSeconds);
    void setStatus(const QString& text, bool error = false);
    QString statusText() const;
    QString modelText() const;
    QString decodeBlockedReason() const { return m_canDecode ? QString() : m_reason; }

    QPushButton* decodeButton() const { return m_decode; }
    QPushButton* stopButton() const { return m_stop; }
    QSpinBox* stepsSpin() const { return m_steps; }
    QSpinBox* seedSpin() const { return m_seed; }
    QCheckBox* randomSeedCheck() const { return m_randomSeed; }
    QComboBox* samplerCombo() const { return m_sampler; }
    QCheckBox* fidelityCheck() const { return m_fidelity; }
    QDoubleSpinBox* guidanceSpin() const { return m_guidance; }
    QDoubleSpinBox* strengthSpin() const { return m_strength; }
    QCheckBox* forceCheck() const { return m_force; }
    QProgressBar* progressBar() const { return m_progress; }

signals:
    void decodeRequested();
    void stopRequested();
    void modelChanged();  // model path or device edited

private:
    void updateEnabled();

    QLineEdit* m_modelPath = nullptr;
    QLabel* m_modelText = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_sampler = nullptr;
    QSpinBox* m_steps = nullptr;
    QDoubleSpinBox* m_eta = nullptr;
    QSpinBox* m_seed = nullptr;
    QCheckBox* m_randomSeed = nullptr;
    QDoubleSpinBox* m_guidance = nullptr;
    QDoubleSpinBox* m_strength = nullptr;
    QCheckBox* m_fidelity = nullptr;
    QCheckBox* m_force = nullptr;
    QSpinBox* m_previewEvery = nullptr;
    QPushButton* m_decode = nullptr;
    QPushButton* m_stop = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    bool m_running = false;
    bool m_canDecode = false;
    QString m_reason;
};

}  // namespace sem::ui

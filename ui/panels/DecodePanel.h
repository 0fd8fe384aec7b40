#pragma once
#include <QWidget>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/format/SemFile.h"
#include "core/pipeline/Decoder.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QFormLayout;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace sem::ui {

// The decoder's settings (DESIGN §5/§7): model, device, sampler, steps, eta, seed (or random),
// guidance, strength, fidelity (one-step x0 decode), preview interval; Decode / Stop, a progress bar with
// an ETA, and a status line for the outcome or the error. The controls follow the model's family
// (setFamily): the built-in one has DDPM and the fidelity decode; Stable Diffusion 1.x has Euler and
// Euler ancestral, a ControlNet, control scale, working size, colour fix, Karras sigmas and a
// negative prompt, and its own defaults (guidance 7.5, strength 0.7). Variations: a sampled decode
// of N seeds side by side (seed, seed+1, ...; 1 = one decode), not offered for the fidelity decode
// (deterministic: every seed gives the same picture). It only shows state: MainWindow runs the
// decode (DecodeController) and tells the panel what happens.
class DecodePanel : public QWidget {
    Q_OBJECT
public:
    explicit DecodePanel(QWidget* parent = nullptr);
    static constexpr int kMaxVariations = 9;
    static constexpr std::uint32_t kMaxSeed = 2147483647u;  // the seed control's range: 0..kMaxSeed

    // The request for a decode now. With "random" checked a new seed is drawn and shown first,
    // so that the seed recorded in the .sem is the one used.
    DecodeRequest takeRequest();
    // The recorded settings of an opened .sem. Settings of the other family (a Stable Diffusion
    // record while the built-in model is chosen, or the reverse) change nothing shown: they are kept
    // for that family and shown when a model of it is chosen (issue 17: each family keeps its own).
    void setSettings(const DecodeSettings& settings);
    DecodeSettings settings() const;                   // what the controls say now (present = true)

    QString modelPath() const;  // empty: the default model
    void setModelPath(const QString& path);
    // A ControlNet (folder or single file) for a Stable Diffusion model; empty: the model's own.
    QString controlnetPath() const;
    void setControlnetPath(const QString& path);
    // The family of the chosen model: the sampler list and which controls show follow it. Each
    // family keeps its own settings: leaving one keeps what its controls said, coming back shows
    // them again (or a .sem's record of that family kept by setSettings(), or the family's
    // defaults, guidance and strength tuned for it, when it was never shown).
    void setFamily(DecodeSettings::Family family);
    // The settings kept for a family not shown now (none: the family's defaults apply).
    std::optional<DecodeSettings> keptSettings(DecodeSettings::Family family) const;
    DecodeSettings::Family family() const { return m_family; }
    QString device() const;  // "auto", "cpu" or "cuda"
    void setDevice(const QString& device);
    int previewEvery() const;  // 0: no previews
    void setPreviewEvery(int steps);
    // How many seeds the next decode draws side by side: the control's value, 1 for the fidelity
    // decode (the control is disabled then).
    int variations() const;
    void setVariations(int count);  // clamped to 1..kMaxVariations
    // `count` seeds from `first` on (first, first+1, ...), wrapping past kMaxSeed to 0.
    static std::vector<std::uint32_t> variationSeeds(std::uint32_t first, int count);
    // A picked variation's seed: the seed control shows it and "random" is unchecked, so that the
    // next decode gives that picture again.
    void useSeed(std::uint32_t seed);
    // Whether there are variations to show again ("Show variations" enabled).
    void setVariationsAvailable(bool available);

    // Whether Decode can start, and why not ("no model: ...", "open an image first").
    void setAvailability(bool canDecode, const QString& reason);
    void setModelText(const QString& text);  // "model 1a2b… on cpu", "no model: ..."
    void setRunning(bool running);
    // While a model loads: `part` is being read, the index-th of count.
    void setLoading(const QString& part, int index, int count);
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
    QLineEdit* controlnetEdit() const { return m_controlnet; }
    QDoubleSpinBox* controlScaleSpin() const { return m_controlScale; }
    QSpinBox* workSizeSpin() const { return m_workSize; }
    QCheckBox* colourFixCheck() const { return m_colourFix; }
    QCheckBox* karrasCheck() const { return m_karras; }
    QLineEdit* negativeEdit() const { return m_negative; }
    QSpinBox* variationsSpin() const { return m_variations; }
    QPushButton* showVariationsButton() const { return m_showVariations; }
    // Whether the panel shows a row (the family hides the other family's controls).
    bool isRowShown(QWidget* field) const;

signals:
    void decodeRequested();
    void stopRequested();
    void modelChanged();  // model path, ControlNet or device edited
    void variationsChanged(int count);  // the user changed the Variations control
    void showVariationsRequested();

private:
    void buildModelRows(QFormLayout* form);
    void buildSamplerRows(QFormLayout* form);
    void buildStableDiffusionRows(QFormLayout* form);
    void buildActionRows(QFormLayout* form);
    QWidget* pathRow(QLineEdit* edit, const QString& what, const QString& fileTitle);
    void updateEnabled();
    void fillSamplers();
    QString browseModel(bool folder, const QString& title, const QString& current);
    void showSettings(const DecodeSettings& s);  // setSettings() for the family shown

    struct Kept {
        DecodeSettings settings;
        bool randomSeed = false;
        bool fromControls = false;  // left by the user (its strength is the control's even for fidelity)
    };
    std::map<int, Kept> m_kept;  // per family not shown now: its settings (setFamily)

    QFormLayout* m_form = nullptr;
    DecodeSettings::Family m_family = DecodeSettings::BuiltIn;
    QLineEdit* m_modelPath = nullptr;
    QWidget* m_controlnetRow = nullptr;
    QLineEdit* m_controlnet = nullptr;
    QDoubleSpinBox* m_controlScale = nullptr;
    QSpinBox* m_workSize = nullptr;
    QCheckBox* m_colourFix = nullptr;
    QCheckBox* m_karras = nullptr;
    QLineEdit* m_negative = nullptr;
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
    QSpinBox* m_variations = nullptr;
    QPushButton* m_showVariations = nullptr;
    bool m_variationsAvailable = false;
    QPushButton* m_decode = nullptr;
    QPushButton* m_stop = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    bool m_running = false;
    bool m_canDecode = false;
    QString m_reason;
};

}  // namespace sem::ui

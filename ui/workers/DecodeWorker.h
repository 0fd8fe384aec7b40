#pragma once
#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <atomic>
#include <cstdint>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "core/format/SemFile.h"
#include "core/pipeline/Decoder.h"
#include "ui/views/ImagePyramid.h"

namespace sem::ui {

// One decode to run: the file as it is now and what the Decode panel asks for.
struct DecodeJob {
    quint64 id = 0;
    SemFile file;
    DecodeRequest request;
    std::string modelPath;   // empty: the default model (ModelLocator)
    std::string controlnet;  // Stable Diffusion: a ControlNet replacing the model's own; empty: none
    std::string device;      // auto, cpu, cuda
    // Variations: two or more seeds decode the file once per seed (request.seed is not used then),
    // in batches where the settings allow (Decoder::decodeBatch), else one after another. Empty or
    // one seed: one decode, as before.
    std::vector<std::uint32_t> seeds;
    cv::Mat original;  // the source image (shared, read-only) for the variations' PSNR; may be empty
};

// What the loaded model is, for the Decode panel and the status bar.
struct ModelInfo {
    QString modelId;  // 16 hex digits
    QString device;
    QString family;   // "built-in", "sd1"
    qint64 parameters = 0;
};

// One seed's picture of a variations decode, with what the grid shows of it.
struct DecodeVariation {
    cv::Mat image;  // CV_8UC3 BGR at the file's size
    ImagePyramid pyramid;
    QImage thumbnail;         // at most VariationGrid::kThumbnailSide on its longest side
    DecodeSettings settings;  // what was used: the file's record when this one is picked
    double psnr = 0;          // NaN without the source image
    double niqe = 0;          // NaN when the size is outside NIQE's range
    double seconds = 0;
};

struct DecodeResult {
    quint64 id = 0;
    cv::Mat image;  // CV_8UC3 BGR at the file's size
    ImagePyramid pyramid;
    DecodeSettings settings;      // what was used
    std::uint32_t modelId32 = 0;  // what a .sem records
    QString modelId;              // 16 hex digits
    QString device;
    double seconds = 0;
    QStringList warnings;
    // A variations decode: every seed's picture, in the job's seed order; image, pyramid and
    // settings above are the first one's. Empty for a single decode.
    std::vector<DecodeVariation> variations;
};

struct DecodePreview {
    quint64 id = 0;
    int step = 0, total = 0;
    double elapsedSeconds = 0;
    ImagePyramid pyramid;  // null on steps without a preview
};

// Lives in the decode thread (OBS style): run() is invoked by a queued call, results and progress
// leave by signals (queued to the GUI thread). It keeps the loaded Decoder between runs and loads
// it again when the model path, the ControlNet or the device change (cancellable between the
// model's parts, with progress). Never touches a widget.
class DecodeWorker : public QObject {
    Q_OBJECT
public:
    explicit DecodeWorker(const std::atomic<bool>* cancel);
    ~DecodeWorker() override;

    void run(const sem::ui::DecodeJob& job);

signals:
    void loading(quint64 id, const QString& part, int index, int count);
    void modelLoaded(quint64 id, const sem::ui::ModelInfo& info);
    void progress(const sem::ui::DecodePreview& preview);
    void finished(const sem::ui::DecodeResult& result);
    void failed(quint64 id, const QString& message);
    void cancelled(quint64 id);

private:
    // The job's seeds, each decoded; fills result.variations and the first one's fields.
    void decodeVariations(const DecodeJob& job, DecodeResult& result);

    const std::atomic<bool>* m_cancel;
    std::unique_ptr<Decoder> m_decoder;
    std::string m_modelPath, m_controlnet, m_device;
};

// Owns the decode thread and its worker. One decode at a time: start() refuses while one runs.
// stop() sets the cancel flag (the engine checks it every step). The destructor sets the flag,
// then quit() and wait() (OBS style), so closing the window mid-decode is safe.
class DecodeController : public QObject {
    Q_OBJECT
public:
    explicit DecodeController(QObject* parent = nullptr);
    ~DecodeController() override;

    // Returns the id of the started job, 0 when a decode is already running.
    quint64 start(DecodeJob job);
    void stop();
    bool isRunning() const { return m_running != 0; }

signals:
    void loading(const QString& part, int index, int count);
    void modelLoaded(const sem::ui::ModelInfo& info);
    void progress(const sem::ui::DecodePreview& preview);
    void finished(const sem::ui::DecodeResult& result);
    void failed(const QString& message);
    void cancelled();

private:
    QThread m_thread;
    DecodeWorker* m_worker = nullptr;
    std::atomic<bool> m_cancel{false};
    quint64 m_lastId = 0;
    quint64 m_running = 0;  // id of the running job, 0 when idle
};

}  // namespace sem::ui

Q_DECLARE_METATYPE(sem::ui::DecodeJob)
Q_DECLARE_METATYPE(sem::ui::DecodeResult)
Q_DECLARE_METATYPE(sem::ui::DecodePreview)
Q_DECLARE_METATYPE(sem::ui::ModelInfo)

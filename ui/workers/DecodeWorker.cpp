#include "ui/workers/DecodeWorker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>

#include "core/common/Cancelled.h"
#include "core/metrics/Metrics.h"
#include "core/metrics/Niqe.h"
#include "ui/views/ImageConversion.h"
#include "ui/views/VariationGrid.h"

namespace sem::ui {

DecodeWorker::DecodeWorker(const std::atomic<bool>* cancel) : m_cancel(cancel) {}

DecodeWorker::~DecodeWorker() = default;

void DecodeWorker::run(const DecodeJob& job)
{
    try {
        if (!m_decoder || job.modelPath != m_modelPath || job.controlnet != m_controlnet || job.device != m_device) {
            m_decoder.reset();  // the old model's memory first: two Stable Diffusion models need not fit
            m_decoder = std::make_unique<Decoder>(
                job.modelPath, job.device, job.controlnet,
                [this, id = job.id](const std::string& part, int index, int count) {
                    emit loading(id, QString::fromStdString(part), index, count);
                },
                m_cancel);
            m_modelPath = job.modelPath;
            m_controlnet = job.controlnet;
            m_device = job.device;
        }
        ModelInfo info;
        info.modelId = QString::fromStdString(m_decoder->modelId());
        info.device = QString::fromStdString(m_decoder->deviceName());
        info.family = QString::fromStdString(m_decoder->family());
        info.parameters = m_decoder->parameterCount();
        emit modelLoaded(job.id, info);
        const quint64 id = job.id;
        if (job.seeds.size() > 1) {
            DecodeResult result;
            decodeVariations(job, result);
            emit finished(result);
            return;
        }
        DecodeOutcome out = m_decoder->decode(
            job.file, job.request,
            [this, id](const DecodeProgress& p) {
                DecodePreview preview;
                preview.id = id;
                preview.step = p.step;
                preview.total = p.total;
                preview.elapsedSeconds = p.elapsedSeconds;
                if (!p.preview.empty())
                    preview.pyramid = ImagePyramid(toQImage(p.preview));  // built here, off the GUI thread
                emit progress(preview);
            },
            m_cancel);
        DecodeResult result;
        result.id = id;
        result.pyramid = ImagePyramid(toQImage(out.image));
        result.image = std::move(out.image);
        result.settings = out.settings;
        result.modelId32 = m_decoder->modelId32();
        result.modelId = QString::fromStdString(m_decoder->modelId());
        result.device = QString::fromStdString(m_decoder->deviceName());
        result.seconds = out.seconds;
        for (const std::string& w : out.warnings)
            result.warnings << QString::fromStdString(w);
        emit finished(result);
    } catch (const Cancelled&) {
        emit cancelled(job.id);
    } catch (const std::exception& e) {
        emit failed(job.id, QString::fromUtf8(e.what()));
    }
}

void DecodeWorker::decodeVariations(const DecodeJob& job, DecodeResult& result)
{
    // One file per seed, each recording its own settings: the request without its seed then
    // resolves to them, and the files differ in the seed only (Decoder::batchable).
    const DecodeSettings::Family family = m_decoder->settingsFamily();
    DecodeRequest shared = job.request;
    shared.seed.reset();
    std::vector<SemFile> files;
    for (const std::uint32_t seed : job.seeds) {
        DecodeRequest one = job.request;
        one.seed = seed;
        SemFile f = job.file;
        f.decode = Decoder::resolve(job.file.decode, one, family);
        files.push_back(std::move(f));
    }
    const int count = static_cast<int>(files.size());
    // On the CPU (and under DecodeRequest::batchImages 1) one at a time, else as many as fit.
    const int room = std::max(1, m_decoder->batchRoom(files.front(), shared));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<DecodeOutcome> outcomes;
    for (int first = 0; first < count;) {
        const int n = std::min(room, count - first);
        std::vector<const SemFile*> batch;
        for (int i = first; i < first + n; ++i)
            batch.push_back(&files[static_cast<std::size_t>(i)]);
        // The progress of all the variations: each image counts the batch's total steps.
        auto report = [this, id = job.id, first, n, count, t0](const DecodeProgress& p) {
            if (p.total <= 0)
                return;
            DecodePreview preview;
            preview.id = id;
            preview.step = first * p.total + p.step * n;
            preview.total = count * p.total;
            preview.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (!p.preview.empty())
                preview.pyramid = ImagePyramid(toQImage(p.preview));
            emit progress(preview);
        };
        std::vector<DecodeOutcome> part = m_decoder->decodeBatch(batch, shared, m_cancel, report);
        for (DecodeOutcome& o : part)
            outcomes.push_back(std::move(o));
        first += n;
    }
    for (DecodeOutcome& o : outcomes) {
        if (m_cancel && *m_cancel)
            throw Cancelled();
        DecodeVariation v;
        const QImage full = toQImage(o.image);
        v.pyramid = ImagePyramid(full);
        v.thumbnail = full.scaled(VariationGrid::kThumbnailSide, VariationGrid::kThumbnailSide, Qt::KeepAspectRatio,
                                  Qt::SmoothTransformation);
        v.psnr = job.original.empty() ? std::nan("") : metrics::psnr(job.original, o.image);
        v.niqe = metrics::niqeSizeOk(o.image.cols, o.image.rows) ? metrics::niqe(o.image) : std::nan("");
        v.image = std::move(o.image);
        v.settings = o.settings;
        v.seconds = o.seconds;
        result.variations.push_back(std::move(v));
        for (const std::string& w : o.warnings)
            if (!result.warnings.contains(QString::fromStdString(w)))
                result.warnings << QString::fromStdString(w);
    }
    const DecodeVariation& firstOne = result.variations.front();
    result.id = job.id;
    result.image = firstOne.image;
    result.pyramid = firstOne.pyramid;
    result.settings = firstOne.settings;
    result.modelId32 = m_decoder->modelId32();
    result.modelId = QString::fromStdString(m_decoder->modelId());
    result.device = QString::fromStdString(m_decoder->deviceName());
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

DecodeController::DecodeController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<sem::ui::DecodeJob>();
    qRegisterMetaType<sem::ui::DecodeResult>();
    qRegisterMetaType<sem::ui::DecodePreview>();
    qRegisterMetaType<sem::ui::ModelInfo>();
    m_thread.setObjectName(QStringLiteral("decode"));
    m_worker = new DecodeWorker(&m_cancel);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Results come back queued (the worker lives in another thread); ids of other jobs are dropped.
    connect(m_worker, &DecodeWorker::loading, this, [this](quint64 id, const QString& part, int index, int count) {
        if (id == m_running && !m_cancel)
            emit loading(part, index, count);
    });
    connect(m_worker, &DecodeWorker::modelLoaded, this, [this](quint64 id, const ModelInfo& info) {
        if (id == m_running)
            emit modelLoaded(info);
    });
    connect(m_worker, &DecodeWorker::progress, this, [this](const DecodePreview& p) {
        // After Stop, previews already queued by the worker are not shown any more.
        if (p.id == m_running && !m_cancel)
            emit progress(p);
    });
    connect(m_worker, &DecodeWorker::finished, this, [this](const DecodeResult& r) {
        if (r.id != m_running)
            return;
        m_running = 0;
        emit finished(r);
    });
    connect(m_worker, &DecodeWorker::failed, this, [this](quint64 id, const QString& message) {
        if (id != m_running)
            return;
        m_running = 0;
        emit failed(message);
    });
    connect(m_worker, &DecodeWorker::cancelled, this, [this](quint64 id) {
        if (id != m_running)
            return;
        m_running = 0;
        emit cancelled();
    });
    m_thread.start();
}

DecodeController::~DecodeController()
{
    m_cancel = true;
    m_thread.quit();
    m_thread.wait();
}

quint64 DecodeController::start(DecodeJob job)
{
    if (m_running != 0)
        return 0;
    m_cancel = false;
    job.id = ++m_lastId;
    m_running = job.id;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, job = std::move(job)] { worker->run(job); },
                              Qt::QueuedConnection);
    return m_running;
}

void DecodeController::stop()
{
    if (m_running != 0)
        m_cancel = true;
}

}  // namespace sem::ui

#include "ui/workers/DecodeWorker.h"

#include <exception>

#include "core/common/Cancelled.h"
#include "ui/views/ImageConversion.h"

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

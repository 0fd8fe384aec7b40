// MainWindow: the decode worker (DecodeController), the bpp-vs-PSNR plot and the compare view.
#include <QCoreApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QProgressBar>
#include <QMenuBar>
#include <QPointer>
#include <QPromise>
#include <QStatusBar>
#include <QThread>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <cmath>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <map>
#include <memory>

#include "core/baselines/Baselines.h"
#include "core/metrics/Metrics.h"
#include "core/metrics/Niqe.h"
#include "ui/workers/BaselineSweep.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/DecodePanel.h"
#include "ui/views/ImageConversion.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"
#include "ui/views/RdPlot.h"
#include "ui/settings/SettingsRegistry.h"
#if SEM_HAVE_DIFFUSION
#include "ui/workers/DecodeWorker.h"
#endif

namespace sem::ui {

namespace {

// QThread::LowPriority does nothing on Linux (SCHED_OTHER has a single static priority), so the
// sweep thread competed with the GUI thread as an equal. A per-thread nice value does work there;
// the pool's one thread only ever runs sweeps, so it keeps it. Raising it needs no privilege.
void lowerThisThreadsPriority()
{
#ifdef __linux__
    static thread_local bool lowered = false;
    if (!lowered) {
        lowered = true;
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);  // best effort
    }
#endif
}

// The baseline sweeps are long (5 codecs x 11 targets): one thread of their own at low priority,
// so the global pool stays free for the edge and hint workers the sliders wait for.
QThreadPool* baselinePool()
{
    // Owned by the application object, so its destructor waits for a running sweep while OpenCV is
    // still alive. A function-static pool was destroyed after OpenCV's own statics at exit, and a
    // sweep still running then crashed inside cv::imencode/imdecode (seen with --bench-slider).
    // The window stops its sweep when it closes, so that wait is short (one encode).
    static QPointer<QThreadPool> pool;
    if (!pool) {
        pool = new QThreadPool(QCoreApplication::instance());
        pool->setMaxThreadCount(1);
        pool->setThreadPriority(QThread::LowPriority);
    }
    return pool;
}

#if SEM_HAVE_DIFFUSION
QString samplerName(DecodeSettings::Sampler s)
{
    switch (s) {
    case DecodeSettings::Ddpm: return QStringLiteral("ddpm");
    case DecodeSettings::Ddim: return QStringLiteral("ddim");
    case DecodeSettings::DpmPp2M: return QStringLiteral("dpm++2m");
    case DecodeSettings::Euler: return QStringLiteral("euler");
    case DecodeSettings::EulerAncestral: return QStringLiteral("euler a");
    }
    return {};
}

// "fidelity" or e.g. "dpm++2m, 20 steps at strength 0.35, guidance 2.0", then the seed.
QString decodeSummary(const DecodeSettings& s)
{
    QString text = s.fidelity ? MainWindow::tr("fidelity")
                              : MainWindow::tr("%1, %2 steps").arg(samplerName(s.sampler)).arg(s.steps);
    if (!s.fidelity && s.strengthPercent < 100)
        text += MainWindow::tr(" at strength %1").arg(QString::number(s.strengthPercent / 100.0, 'f', 2));
    if (!s.fidelity)
        text += MainWindow::tr(", guidance %1").arg(QString::number(s.guidanceTenths / 10.0, 'f', 1));
    if (s.family == DecodeSettings::StableDiffusion1)
        text += MainWindow::tr(", control %1, %2 px%3")
                    .arg(QString::number(s.controlScaleHundredths / 100.0, 'f', 2))
                    .arg(s.workSize)
                    .arg(s.colourFix ? MainWindow::tr(", colour fix") : QString());
    return text + MainWindow::tr(", seed %1").arg(s.seed);
}

QString familyTitle(DecodeSettings::Family family)
{
    return family == DecodeSettings::StableDiffusion1 ? MainWindow::tr("Stable Diffusion 1.x")
                                                      : MainWindow::tr("built-in");
}

// "1.07 B" or "12.3 M" parameters.
QString parameterText(qint64 n)
{
    if (n >= 1'000'000'000)
        return MainWindow::tr("%1 B").arg(QString::number(double(n) / 1e9, 'f', 2));
    if (n >= 1'000'000)
        return MainWindow::tr("%1 M").arg(QString::number(double(n) / 1e6, 'f', 1));
    return QString::number(n);
}
#endif

}  // namespace

void MainWindow::buildDecode()
{
#if SEM_HAVE_DIFFUSION
    m_decoder = new DecodeController(this);
    connect(m_decoder, &DecodeController::loading, this, [this](const QString& part, int index, int count) {
        m_decodePanel->setLoading(part, index, count);
    });
    connect(m_decoder, &DecodeController::modelLoaded, this, [this](const ModelInfo& info) {
        m_decodeDevice = info.device;
        m_deviceLabel->setText(tr("Decoder on %1").arg(info.device));
        const auto family = info.family == QLatin1String("sd1") ? DecodeSettings::StableDiffusion1 : DecodeSettings::BuiltIn;
        m_decodePanel->setModelText(tr("%1 model %2, %3 parameters, on %4")
                                        .arg(familyTitle(family), info.modelId.left(8), parameterText(info.parameters),
                                             info.device));
        m_decodePanel->setStatus(tr("Decoding on %1…").arg(info.device));
    });
    connect(m_decoder, &DecodeController::progress, this, &MainWindow::onDecodePreview);
    connect(m_decoder, &DecodeController::finished, this, &MainWindow::onDecodeFinished);
    connect(m_decoder, &DecodeController::failed, this, [this](const QString& m) { onDecodeEnded(m, true); });
    connect(m_decoder, &DecodeController::cancelled, this, [this] { onDecodeEnded(QString(), false); });
#endif
    buildVariations();
    connect(m_decodePanel, &DecodePanel::decodeRequested, this, [this] {
        if (!startDecode())
            m_decodePanel->setStatus(m_lastError, true);
    });
    connect(m_decodePanel, &DecodePanel::stopRequested, this, &MainWindow::stopDecode);
    connect(m_decodePanel, &DecodePanel::modelChanged, this, [this] {
        SettingsRegistry::setValue(Setting::DecodeModelPath, m_decodePanel->modelPath());
        SettingsRegistry::setValue(Setting::DecodeControlnetPath, m_decodePanel->controlnetPath());
        SettingsRegistry::setValue(Setting::DecodeDevice, m_decodePanel->device());
        updateDecodeAvailability();
    });

    m_compareTimer = new QTimer(this);
    m_compareTimer->setSingleShot(true);
    m_compareTimer->setInterval(400);
    connect(m_compareTimer, &QTimer::timeout, this, &MainWindow::requestCompare);
    connect(this, &MainWindow::rateUpdated, this, &MainWindow::onRateChangedForCompare);
    updateDecodeAvailability();
}

void MainWindow::updateDecodeAvailability()
{
#if SEM_HAVE_DIFFUSION
    QString model;
    QString problem;
    if (m_decodePanel->modelPath().isEmpty()) {
        try {
            model = QString::fromStdString(ModelLocator::defaultModelPath());
        } catch (const std::exception& e) {
            problem = tr("No model: %1").arg(QString::fromUtf8(e.what()));
        }
    } else {
        model = m_decodePanel->modelPath();
        if (!QFileInfo::exists(model))
            problem = tr("No model: %1 does not exist.").arg(model);
    }
    // The family from the model's files or its checkpoint's header (nothing is loaded): the panel's
    // controls and defaults follow it. Not while a decode runs (the panel is locked then).
    if (problem.isEmpty() && !isDecoding()) {
        try {
            m_decodePanel->setFamily(Decoder::modelFamily(model.toStdString()));
        } catch (const std::exception& e) {
            problem = tr("No model: %1").arg(QString::fromUtf8(e.what()));
        }
    }
    const QString controlnet = m_decodePanel->controlnetPath();
    if (problem.isEmpty() && m_decodePanel->family() == DecodeSettings::StableDiffusion1 && !controlnet.isEmpty()
        && !QFileInfo::exists(controlnet))
        problem = tr("No ControlNet: %1 does not exist.").arg(controlnet);
    if (!problem.isEmpty())
        m_decodePanel->setModelText(problem);
    else if (!isDecoding())
        m_decodePanel->setModelText(tr("Model: %1 (%2)").arg(QFileInfo(model).fileName(),
                                                            familyTitle(m_decodePanel->family())));
    if (!problem.isEmpty())
        m_decodePanel->setAvailability(false, problem);
    else if (!hasDocument())
        m_decodePanel->setAvailability(false, tr("Open an image or a .sem file first."));
    else
        m_decodePanel->setAvailability(true, QString());
#else
    m_decodePanel->setModelText(tr("No decoder in this build (SEM_BUILD_DIFFUSION=OFF)."));
    m_decodePanel->setAvailability(false, tr("This build has no decoder engine."));
#endif
}

bool MainWindow::isDecoding() const
{
#if SEM_HAVE_DIFFUSION
    return m_decoder && m_decoder->isRunning();
#else
    return false;
#endif
}

bool MainWindow::startDecode()
{
#if SEM_HAVE_DIFFUSION
    updateDecodeAvailability();
    if (isDecoding()) {
        m_lastError = tr("A decode is already running.");
        return false;
    }
    if (!m_decodePanel->decodeBlockedReason().isEmpty()) {
        m_lastError = m_decodePanel->decodeBlockedReason();
        return false;
    }
    finishStreamsNow();
    syncSettings();
    if (!m_doc->codingError().isEmpty()) {  // the streams, then the caption
        m_lastError = m_doc->codingError();
        return false;
    }
    DecodeJob job;
    try {
        job.file = currentFile();
        job.request = m_decodePanel->takeRequest();
        Decoder::resolve(job.file.decode, job.request, m_decodePanel->family());  // refuses bad settings now
        m_decodingFile = job.file;
    } catch (const std::exception& e) {
        m_lastError = QString::fromUtf8(e.what());
        return false;
    }
    job.modelPath = m_decodePanel->modelPath().toStdString();
    if (m_decodePanel->family() == DecodeSettings::StableDiffusion1)
        job.controlnet = m_decodePanel->controlnetPath().toStdString();
    job.device = m_decodePanel->device().toStdString();
    if (const int n = m_decodePanel->variations(); n > 1 && job.request.seed) {
        job.seeds = DecodePanel::variationSeeds(*job.request.seed, n);
        job.original = m_doc->image();
    }
    m_decodeGeneration = m_doc->generation();
    m_decoder->start(std::move(job));
    m_decodePanel->setRunning(true);
    if (!m_view->isSplit() || (m_view->layer() != ImageView::Layer::Reconstruction
                               && m_view->secondLayer() != ImageView::Layer::Reconstruction)) {
        m_view->setSecondLayer(ImageView::Layer::Reconstruction);
        m_view->setSplit(true);
        syncViewControls();
    }
    updateStatusBar();
    return true;
#else
    m_lastError = tr("This build has no decoder engine.");
    return false;
#endif
}

void MainWindow::stopDecode()
{
#if SEM_HAVE_DIFFUSION
    if (m_decoder)
        m_decoder->stop();
#endif
}

#if SEM_HAVE_DIFFUSION
void MainWindow::onDecodePreview(const DecodePreview& preview)
{
    if (m_decodeGeneration != m_doc->generation())
        return;
    m_decodePanel->setProgress(preview.step, preview.total, preview.elapsedSeconds);
    if (!preview.pyramid.isNull()) {
        m_view->setLayerImage(ImageView::Layer::Reconstruction, preview.pyramid);
        emit decodePreviewShown(preview.step);
    }
}

void MainWindow::onDecodeFinished(const DecodeResult& result)
{
    m_decodePanel->setRunning(false);
    m_decodePanel->progressBar()->setValue(1);  // 100 %
    updateStatusBar();
    if (m_decodeGeneration != m_doc->generation())
        return;  // the document changed meanwhile
    if (result.variations.empty())
        clearVariations();  // they were decoded with other settings
    else
        setVariations(result);
    QString status;
    if (!result.variations.empty()) {
        QStringList seeds;
        for (const DecodeVariation& v : result.variations)
            seeds << QString::number(v.settings.seed);
        status = tr("Decoded %1 variations in %2 s on %3 (seeds %4); the first is shown: pick another in the "
                    "Variations window.")
                     .arg(result.variations.size())
                     .arg(QString::number(result.seconds, 'f', 1), result.device, seeds.join(QLatin1String(", ")));
    }
    applyDecode(result, m_decodingFile, true, status);
}

// The decoded picture becomes the reconstruction: the document's record, the view, the plot's
// point and (through decodeFinished) the results table and the status line. `status`: the panel's
// status line, empty for "Decoded in ...".
void MainWindow::applyDecode(const DecodeResult& result, const SemFile& file, bool markModified, const QString& status)
{
    m_doc->setDecodeRecord(result.image, result.settings, result.modelId32);
    m_reconstructionPyramid = result.pyramid;
    m_view->setLayerImage(ImageView::Layer::Reconstruction, result.pyramid);
    m_decodeDevice = result.device;
    QString text = !status.isEmpty() ? status
                                     : tr("Decoded in %1 s on %2 (%3).")
                                           .arg(QString::number(result.seconds, 'f', 1), result.device,
                                                decodeSummary(result.settings));
    if (!result.warnings.isEmpty())
        text += QLatin1Char(' ') + result.warnings.join(QLatin1Char(' '));
    m_decodePanel->setStatus(text);
    if (!m_doc->image().empty()) {
        RdPoint p;
        // The bpp of the decoded file as saved: with the model id and the settings recorded.
        SemFile decoded = file;
        decoded.modelId = result.modelId32;
        decoded.decode = result.settings;
        p.bpp = decoded.bpp();
        p.psnr = metrics::psnr(m_doc->image(), result.image);
        p.label = tr("decode: %1").arg(decodeSummary(result.settings));
        m_plot->addDecodedPoint(p);
        // MS-SSIM and NIQE take longer (a fifth of a second at 768x512): on a worker thread, then
        // onto the point and the reconstruction's label if the document is still the same.
        const int index = m_plot->decodedPointCount() - 1;
        const std::uint64_t generation = m_doc->generation();
        auto* watcher = new QFutureWatcher<std::pair<double, double>>(this);
        connect(watcher, &QFutureWatcher<std::pair<double, double>>::finished, this, [this, watcher, index, generation] {
            const auto [ms, niqe] = watcher->result();
            watcher->deleteLater();
            if (generation != m_doc->generation() || index >= m_plot->decodedPointCount())
                return;
            m_plot->setDecodedPointScores(index, ms, niqe);
            emit decodeScoresUpdated();
        });
        watcher->setFuture(QtConcurrent::run([original = m_doc->image(), decodedImage = result.image] {
            const double ms = metrics::msSsimScales(original.cols, original.rows) > 0
                                  ? metrics::msSsim(original, decodedImage)
                                  : std::nan("");
            const double niqe = metrics::niqeSizeOk(decodedImage.cols, decodedImage.rows)
                                    ? metrics::niqe(decodedImage)
                                    : std::nan("");
            return std::make_pair(ms, niqe);
        }));
    }
    if (markModified)
        setDocumentModified(true);  // the .sem now records the model and the settings
    updateRate();
    emit decodeFinished();
}

#endif

void MainWindow::onDecodeEnded(const QString& message, bool failed)
{
    m_decodePanel->setRunning(false);
    restoreLastGoodReconstruction();
    if (failed)
        m_decodePanel->setStatus(tr("Decode failed: %1").arg(message), true);
    else
        m_decodePanel->setStatus(hasReconstruction() ? tr("Stopped; the previous reconstruction is kept.")
                                                     : tr("Stopped."));
    updateStatusBar();
    if (failed)
        emit decodeFailed(message);
    else
        emit decodeStopped();
}

void MainWindow::restoreLastGoodReconstruction()
{
    if (m_decodeGeneration != m_doc->generation())
        return;
    m_view->setLayerImage(ImageView::Layer::Reconstruction, m_reconstructionPyramid);
}

void MainWindow::resetDecodeState()
{
    stopDecode();
    m_reconstructionPyramid = ImagePyramid();  // the document's record went with its old content
    clearVariations();
    m_baselinesReady = false;
    m_plot->clear();
    updateDecodeAvailability();
}

bool MainWindow::baselinesReady() const
{
    return m_baselinesReady;
}

void MainWindow::requestBaselines()
{
    stopBaselineSweep();  // the previous image's sweep
    m_baselinesReady = false;
    if (m_doc->image().empty()) {
        m_plot->setMessage(tr("No baselines: a .sem opened without its source image"));
        return;
    }
    m_plot->setMessage(tr("Computing the baseline curves…"));
    const std::uint64_t generation = m_doc->generation();
    const cv::Mat image = m_doc->image();
    auto stop = std::make_shared<std::atomic<bool>>(false);
    m_baselineStop = stop;
    using Result = BaselineSweep::Result;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::progressValueChanged, this, [this, watcher, generation](int done) {
        if (generation == m_doc->generation() && !m_baselinesReady && watcher->progressMaximum() > 0)
            m_plot->setMessage(tr("Computing the baseline curves… %1 of %2 searches")
                                   .arg(done)
                                   .arg(watcher->progressMaximum()));
    });
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        const Result result = watcher->result();
        if (result.stopped) {
            if (generation == m_doc->generation())
                m_plot->setMessage(tr("Baseline curves stopped."));
            emit baselineSweepStopped(result.searchesDone, result.searchesTotal);
            return;
        }
        if (generation != m_doc->generation())
            return;
        m_plot->setBaselines(result.curves);
        m_plot->setMessage(QString());
        m_baselinesReady = true;
        emit baselinesUpdated();
    });
    // Captures values only: the window may be gone when a stopped sweep ends.
    const QFuture<Result> future = QtConcurrent::run(baselinePool(), [image, stop](QPromise<Result>& promise) {
        lowerThisThreadsPriority();
        promise.setProgressRange(0, BaselineSweep::searchCount(image));
        promise.addResult(BaselineSweep::run(image, *stop, [&promise](int done) { promise.setProgressValue(done); }));
    });
    m_baselineFuture = future;
    watcher->setFuture(future);
}

void MainWindow::stopBaselineSweep()
{
    if (m_baselineStop)
        m_baselineStop->store(true);
    m_baselineStop.reset();
}

int MainWindow::baselineSweepProgress() const
{
    return m_baselineFuture.progressValue();
}

}  // namespace sem::ui

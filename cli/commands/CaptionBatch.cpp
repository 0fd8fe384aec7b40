#include "cli/commands/CaptionBatch.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/Options.h"
#include "cli/batch/BatchInputs.h"
#include "cli/batch/BatchInterrupt.h"
#include "cli/batch/BatchOptions.h"
#include "cli/batch/BatchProgress.h"
#include "cli/batch/BatchReport.h"
#include "cli/batch/BatchRunner.h"
#include "cli/batch/CaptionsFile.h"
#include "cli/batch/RequestGate.h"
#include "cli/commands/CaptionCommand.h"
#include "core/caption/CaptionClient.h"
#include "core/common/Error.h"

namespace sem::cli {
namespace {

nlohmann::json loadCaptions(const QString& path, bool overwrite)
{
    if (overwrite || !QFile::exists(path))
        return nlohmann::json::object();
    try {
        return CaptionsFile::load(path);
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + "; move it away or use --overwrite");
    }
}

// One batch of caption requests: which images need a caption, then the requests through the gate
// (in flight, per minute, 429 pauses) on a local event loop, each caption saved as it arrives.
class CaptionRun {
public:
    CaptionRun(const CaptionSettings& settings, QString apiKey, std::vector<BatchItem> items, QString captionsPath,
               nlohmann::json captions, int jobs, int perMinute, Io& io)
        : settings_(settings), apiKey_(std::move(apiKey)), items_(std::move(items)),
          captionsPath_(std::move(captionsPath)), captions_(std::move(captions)), io_(io),
          outcomes_(items_.size()), progress_("caption", static_cast<int>(items_.size()), io.err), gate_(jobs, perMinute)
    {
    }

    BatchReport run()
    {
        plan();
        clock_.start();
        wake_.setSingleShot(true);
        QObject::connect(&wake_, &QTimer::timeout, &loop_, [this] { pump(); });
        QObject::connect(&poll_, &QTimer::timeout, &loop_, [this] {
            if (interrupt_.interrupted())
                pump();
        });
        poll_.start(100);
        QTimer::singleShot(0, &loop_, [this] { pump(); });
        if (!queue_.empty())
            loop_.exec();
        progress_.finish();
        const bool interrupted = interrupt_.interrupted();
        if (interrupted)
            io_.err << "semc caption: interrupted; the captions received are in " << captionsPath_.toStdString() << "\n";
        return BatchReport("caption", std::move(outcomes_), static_cast<double>(clock_.nsecsElapsed()) / 1e9,
                           interrupted);
    }

private:
    // Every image's outcome: failed (a key two images share), skipped (captioned already) or queued.
    void plan()
    {
        std::map<std::string, std::size_t> keys;  // relative path -> first item
        for (std::size_t i = 0; i < items_.size(); ++i) {
            BatchOutcome& o = outcomes_[i];
            o.input = items_[i].input.toStdString();
            o.output = captionsPath_.toStdString();
            const std::string key = items_[i].relative.toStdString();
            o.extra["key"] = key;
            if (const auto [it, inserted] = keys.emplace(key, i); !inserted) {
                o.status = BatchOutcome::Failed;
                o.error = "its key '" + key + "' is also the key of " + items_[it->second].input.toStdString()
                          + " (rename one of them)";
                progress_.add(o);
            } else if (captions_.contains(key)) {
                o.status = BatchOutcome::Skipped;
                progress_.add(o);
            } else {
                queue_.push_back(i);
            }
        }
    }

    // Starts what the gate lets through (or cancels everything after Ctrl-C); quits when all is done.
    void pump()
    {
        if (interrupt_.interrupted()) {
            for (const QPointer<CaptionClient>& c : running_)
                if (c)
                    c->cancel();
            queue_.clear();
        }
        while (!queue_.empty()) {
            const qint64 wait = gate_.waitMs(clock_.elapsed());
            if (wait < 0)
                break;
            if (wait > 0) {
                if (!wake_.isActive() || wake_.remainingTime() > wait)
                    wake_.start(static_cast<int>(wait));
                break;
            }
            const std::size_t i = queue_.front();
            queue_.pop_front();
            start(i);
        }
        if (queue_.empty() && gate_.inFlight() == 0)
            loop_.quit();
    }

    // The request for items_[i], or its failure when the image cannot be read.
    void start(std::size_t i)
    {
        BatchOutcome& o = outcomes_[i];
        cv::Mat image;
        try {
            image = loadCaptionImage(items_[i].input);
        } catch (const std::exception& e) {
            o.status = BatchOutcome::Failed;
            o.error = e.what();
            progress_.add(o);
            return;
        }
        o.bytesIn = static_cast<std::uint64_t>(std::max<qint64>(0, QFileInfo(items_[i].input).size()));
        auto* client = new CaptionClient;
        client->setSettings(settings_);
        client->setApiKey(apiKey_);
        running_.emplace_back(client);
        const std::string name = o.input;
        QObject::connect(client, &CaptionClient::retrying, client,
                         [this, name](int retry, int max, qint64 delayMs, const QString& reason) {
                             retrying(name, retry, max, delayMs, reason);
                         });
        QObject::connect(client, &CaptionClient::finished, client,
                         [this, i, client](const CaptionResult& r) { finished(i, client, r); });
        QObject::connect(client, &CaptionClient::failed, client,
                         [this, i, client](const CaptionError& e) { failed(i, client, e); });
        gate_.started(clock_.elapsed());
        client->start(image);
    }

    void retrying(const std::string& name, int retry, int max, qint64 delayMs, const QString& reason)
    {
        const bool tooMany = reason.startsWith(QLatin1String("HTTP 429"));
        if (tooMany)
            gate_.pauseUntil(clock_.elapsed() + delayMs);
        io_.err << "semc caption: " << name << ": " << reason.toStdString() << "; retry " << retry << " of " << max
                << " in " << static_cast<double>(delayMs) / 1000.0 << " s" << (tooMany ? " (batch paused)" : "") << "\n";
    }

    // A caption arrived: into captions.json at once (atomically), so a rerun skips it.
    void finished(std::size_t i, CaptionClient* client, const CaptionResult& r)
    {
        BatchOutcome& out = outcomes_[i];
        const std::string text = r.caption.toStdString();
        captions_[out.extra["key"].get<std::string>()] = {
            {"caption", text}, {"bytes", text.size()}, {"model", r.model.toStdString()}, {"input", out.input}};
        try {
            CaptionsFile::save(captionsPath_, captions_);
            out.status = BatchOutcome::Done;
        } catch (const std::exception& e) {
            out.status = BatchOutcome::Failed;
            out.error = e.what();
        }
        out.bytesOut = text.size();
        out.seconds = r.seconds;
        out.extra["caption"] = text;
        out.extra["attempts"] = r.attempts;
        client->deleteLater();
        gate_.finished();
        progress_.add(out);
        pump();
    }

    void failed(std::size_t i, CaptionClient* client, const CaptionError& e)
    {
        BatchOutcome& out = outcomes_[i];
        if (e.kind == CaptionError::Kind::Cancelled) {
            out.status = BatchOutcome::NotRun;
        } else {
            out.status = BatchOutcome::Failed;
            QString message = e.message;
            if (message.startsWith(QLatin1String("caption: ")))
                message.remove(0, 9);
            out.error = message.toStdString();
        }
        client->deleteLater();
        gate_.finished();
        if (out.status != BatchOutcome::NotRun)
            progress_.add(out);
        pump();
    }

    const CaptionSettings& settings_;
    const QString apiKey_;
    const std::vector<BatchItem> items_;
    const QString captionsPath_;
    nlohmann::json captions_;
    Io& io_;
    std::vector<BatchOutcome> outcomes_;
    BatchProgress progress_;
    RequestGate gate_;
    std::deque<std::size_t> queue_;
    BatchInterrupt interrupt_;
    QElapsedTimer clock_;
    QEventLoop loop_;
    QTimer wake_;  // the next moment the gate may open
    QTimer poll_;  // Ctrl-C
    std::vector<QPointer<CaptionClient>> running_;
};

}  // namespace

int CaptionBatch::run(const QCommandLineParser& parser, const CaptionSettings& settings, Io& io)
{
    const QStringList inputs = parser.positionalArguments();
    if (inputs.isEmpty())
        throw Error("expected images, folders or @lists");
    const BatchOptions batch = BatchOptions::read(parser, 4, 64);
    const int perMinute =
        parser.isSet("max-per-minute") ? static_cast<int>(Options::toInt(parser, "max-per-minute", 1, 100000)) : 0;
    const QString outDir = parser.value("output");
    const QString captionsPath = QDir(outDir).filePath(
        batch.shardCount > 1 ? QStringLiteral("captions-%1-of-%2.json").arg(batch.shardIndex).arg(batch.shardCount)
                             : QStringLiteral("captions.json"));
    std::vector<BatchItem> items = BatchInputs::shard(BatchInputs::expand(inputs, BatchInputs::imageSuffixes()),
                                                      batch.shardIndex, batch.shardCount);
    if (!QDir().mkpath(outDir))
        throw Error("cannot create the folder " + outDir.toStdString());
    nlohmann::json captions = loadCaptions(captionsPath, batch.overwrite);
    const QString apiKey = captionApiKey(settings);
    if (const QStringList problems = settings.problems(); !problems.isEmpty())
        throw Error("caption settings: " + problems.join("; ").toStdString());

    CaptionRun captionRun(settings, apiKey, std::move(items), captionsPath, std::move(captions), batch.jobs, perMinute, io);
    return BatchRunner::finish(captionRun.run(), batch, io);
}

}  // namespace sem::cli

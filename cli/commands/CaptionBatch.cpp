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

    std::vector<BatchOutcome> outcomes(items.size());
    std::map<std::string, std::size_t> keys;  // relative path -> first item
    std::deque<std::size_t> queue;
    BatchProgress progress("caption", static_cast<int>(items.size()), io.err);
    for (std::size_t i = 0; i < items.size(); ++i) {
        BatchOutcome& o = outcomes[i];
        o.input = items[i].input.toStdString();
        o.output = captionsPath.toStdString();
        const std::string key = items[i].relative.toStdString();
        o.extra["key"] = key;
        if (const auto [it, inserted] = keys.emplace(key, i); !inserted) {
            o.status = BatchOutcome::Failed;
            o.error = "its key '" + key + "' is also the key of " + items[it->second].input.toStdString()
                      + " (rename one of them)";
            progress.add(o);
        } else if (captions.contains(key)) {
            o.status = BatchOutcome::Skipped;
            progress.add(o);
        } else {
            queue.push_back(i);
        }
    }

    BatchInterrupt interrupt;
    RequestGate gate(batch.jobs, perMinute);
    QElapsedTimer clock;
    clock.start();
    QEventLoop loop;
    QTimer wake;  // the next moment the gate may open
    wake.setSingleShot(true);
    QTimer poll;  // Ctrl-C
    std::vector<QPointer<CaptionClient>> running;

    std::function<void()> pump;
    auto finishOne = [&](std::size_t i) {
        gate.finished();
        progress.add(outcomes[i]);
        pump();
    };
    pump = [&] {
        if (interrupt.interrupted()) {
            for (const QPointer<CaptionClient>& c : running)
                if (c)
                    c->cancel();
            queue.clear();
        }
        while (!queue.empty()) {
            const qint64 wait = gate.waitMs(clock.elapsed());
            if (wait < 0)
                break;
            if (wait > 0) {
                if (!wake.isActive() || wake.remainingTime() > wait)
                    wake.start(static_cast<int>(wait));
                break;
            }
            const std::size_t i = queue.front();
            queue.pop_front();
            BatchOutcome& o = outcomes[i];
            cv::Mat image;
            try {
                image = loadCaptionImage(items[i].input);
            } catch (const std::exception& e) {
                o.status = BatchOutcome::Failed;
                o.error = e.what();
                progress.add(o);
                continue;
            }
            o.bytesIn = static_cast<std::uint64_t>(std::max<qint64>(0, QFileInfo(items[i].input).size()));
            auto* client = new CaptionClient;
            client->setSettings(settings);
            client->setApiKey(apiKey);
            running.emplace_back(client);
            const std::string name = o.input;
            QObject::connect(client, &CaptionClient::retrying, client,
                             [&, name](int retry, int max, qint64 delayMs, const QString& reason) {
                                 if (reason.startsWith(QLatin1String("HTTP 429")))
                                     gate.pauseUntil(clock.elapsed() + delayMs);
                                 io.err << "semc caption: " << name << ": " << reason.toStdString() << "; retry "
                                        << retry << " of " << max << " in " << static_cast<double>(delayMs) / 1000.0
                                        << " s" << (reason.startsWith(QLatin1String("HTTP 429")) ? " (batch paused)" : "")
                                        << "\n";
                             });
            QObject::connect(client, &CaptionClient::finished, client, [&, i, client](const CaptionResult& r) {
                BatchOutcome& out = outcomes[i];
                const std::string text = r.caption.toStdString();
                captions[out.extra["key"].get<std::string>()] = {
                    {"caption", text}, {"bytes", text.size()}, {"model", r.model.toStdString()}, {"input", out.input}};
                try {
                    CaptionsFile::save(captionsPath, captions);
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
                finishOne(i);
            });
            QObject::connect(client, &CaptionClient::failed, client, [&, i, client](const CaptionError& e) {
                BatchOutcome& out = outcomes[i];
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
                gate.finished();
                if (out.status != BatchOutcome::NotRun)
                    progress.add(out);
                pump();
            });
            gate.started(clock.elapsed());
            client->start(image);
        }
        if (queue.empty() && gate.inFlight() == 0)
            loop.quit();
    };
    QObject::connect(&wake, &QTimer::timeout, &loop, [&] { pump(); });
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (interrupt.interrupted())
            pump();
    });
    poll.start(100);
    QTimer::singleShot(0, &loop, [&] { pump(); });
    if (!queue.empty())
        loop.exec();
    progress.finish();
    const bool interrupted = interrupt.interrupted();
    if (interrupted)
        io.err << "semc caption: interrupted; the captions received are in " << captionsPath.toStdString() << "\n";
    const BatchReport report("caption", std::move(outcomes), static_cast<double>(clock.nsecsElapsed()) / 1e9,
                             interrupted);
    return BatchRunner::finish(report, batch, io);
}

}  // namespace sem::cli

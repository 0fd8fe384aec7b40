#include "cli/batch/BatchRunner.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThreadPool>
#include <mutex>
#include <new>

#include "cli/batch/BatchInterrupt.h"
#include "cli/batch/BatchProgress.h"
#include "core/common/Cancelled.h"
#include "core/common/Error.h"

namespace sem::cli {

BatchRunner::BatchRunner(std::string command, Io& io) : command_(std::move(command)), io_(io) {}

bool BatchRunner::outputExists(const QString& output)
{
    const QFileInfo info(output);
    return info.isFile() && info.size() > 0;
}

BatchReport BatchRunner::run(const std::vector<BatchItem>& items, const BatchOptions& options, const Task& task,
                             const CompleteCheck& complete)
{
    BatchInterrupt interrupt;
    const std::atomic<bool>* cancel = interrupt.flag();
    std::vector<BatchOutcome> outcomes(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        outcomes[i].input = items[i].input.toStdString();
        outcomes[i].output = items[i].output.toStdString();
    }
    BatchProgress progress(command_, static_cast<int>(items.size()), io_.err);
    std::mutex mutex;  // guards progress and io_.err
    std::atomic<std::size_t> next{0};
    const CompleteCheck isComplete = complete ? complete : CompleteCheck(&BatchRunner::outputExists);
    QElapsedTimer timer;
    timer.start();

    auto runOne = [&](std::size_t i) {
        const BatchItem& item = items[i];
        BatchOutcome o;
        QElapsedTimer fileTimer;
        fileTimer.start();
        try {
            if (!item.problem.empty())
                throw Error(item.problem);
            if (!options.overwrite && isComplete(item.output)) {
                o.status = BatchOutcome::Skipped;
            } else {
                const QString folder = QFileInfo(item.output).absolutePath();
                if (!QDir().mkpath(folder))
                    throw Error("cannot create the folder " + folder.toStdString());
                o = task(item, cancel);
                o.status = BatchOutcome::Done;
            }
        } catch (const Cancelled&) {
            o = BatchOutcome{};
            o.status = BatchOutcome::NotRun;
        } catch (const std::bad_alloc&) {
            o = BatchOutcome{};
            o.status = BatchOutcome::Failed;
            o.error = "out of memory";
        } catch (const std::exception& e) {
            o = BatchOutcome{};
            o.status = BatchOutcome::Failed;
            o.error = e.what();
        }
        if (o.seconds == 0.0 && o.status == BatchOutcome::Done)
            o.seconds = static_cast<double>(fileTimer.nsecsElapsed()) / 1e9;
        o.input = outcomes[i].input;
        o.output = outcomes[i].output;
        const std::lock_guard<std::mutex> lock(mutex);
        outcomes[i] = std::move(o);
        if (outcomes[i].status != BatchOutcome::NotRun)
            progress.add(outcomes[i]);
    };
    auto worker = [&] {
        for (;;) {
            if (cancel->load())
                return;
            const std::size_t i = next.fetch_add(1);
            if (i >= items.size())
                return;
            runOne(i);
        }
    };

    const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(items.size())));
    if (jobs <= 1) {
        worker();
    } else {
        QThreadPool pool;
        pool.setMaxThreadCount(jobs);
        for (int j = 0; j < jobs; ++j)
            pool.start(worker);
        pool.waitForDone();
    }
    progress.finish();
    const bool interrupted = cancel->load();
    if (interrupted)
        io_.err << "semc " << command_ << ": interrupted; the files in progress were finished or not written\n";
    return BatchReport(command_, std::move(outcomes), static_cast<double>(timer.nsecsElapsed()) / 1e9, interrupted);
}

int BatchRunner::finish(const BatchReport& report, const BatchOptions& options, Io& io)
{
    if (!options.csv.isEmpty())
        report.writeCsv(options.csv.toStdString());
    if (options.json)
        io.out << report.json().dump(2) << "\n";
    else
        report.printText(io.out);
    return report.exitCode();
}

}  // namespace sem::cli

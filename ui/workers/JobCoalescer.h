#pragma once
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace sem::ui {

// Runs one job at a time on the global thread pool (QtConcurrent) and keeps only the latest
// request while a job is running: a slider moving faster than the work is never queued up,
// and the last position is always computed.
//
// A Job runs on a worker thread and returns an Apply, which runs on the GUI thread when the
// job has finished. Jobs must only capture values (images are shared read-only cv::Mat);
// an exception escaping a job becomes the failed() signal.
class JobCoalescer : public QObject {
    Q_OBJECT
public:
    using Apply = std::function<void()>;
    using Job = std::function<Apply()>;

    explicit JobCoalescer(QObject* parent = nullptr);
    ~JobCoalescer() override;  // drops the pending job and waits for the running one

    void submit(Job job);
    bool isBusy() const { return m_running; }
    bool hasPending() const { return m_pending.has_value(); }
    // Forgets the pending job (e.g. when another image is opened).
    void dropPending() { m_pending.reset(); }

signals:
    void failed(const QString& message);
    void idle();  // the last job has been applied and nothing is pending

private:
    void start(Job job);
    void onFinished();

    struct Outcome {
        Apply apply;
        QString error;  // set when the job threw
    };
    QFutureWatcher<Outcome> m_watcher;
    std::optional<Job> m_pending;
    bool m_running = false;
};

}  // namespace sem::ui

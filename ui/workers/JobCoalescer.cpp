#include "ui/workers/JobCoalescer.h"

#include <QtConcurrent/QtConcurrentRun>
#include <exception>
#include <utility>

namespace sem::ui {

JobCoalescer::JobCoalescer(QObject* parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &JobCoalescer::onFinished);
}

JobCoalescer::~JobCoalescer()
{
    m_pending.reset();
    m_watcher.disconnect(this);
    m_watcher.waitForFinished();
}

void JobCoalescer::submit(Job job)
{
    if (m_running) {
        m_pending = std::move(job);
        return;
    }
    start(std::move(job));
}

void JobCoalescer::start(Job job)
{
    m_running = true;
    m_watcher.setFuture(QtConcurrent::run([job = std::move(job)]() -> Outcome {
        try {
            return {job(), QString()};
        } catch (const std::exception& e) {
            return {Apply(), QString::fromUtf8(e.what())};
        } catch (...) {
            return {Apply(), QStringLiteral("An unexpected error stopped a background job.")};
        }
    }));
}

void JobCoalescer::onFinished()
{
    m_running = false;
    const Outcome outcome = m_watcher.result();
    if (m_pending) {
        Job next = std::move(*m_pending);
        m_pending.reset();
        start(std::move(next));
    }
    if (!outcome.error.isEmpty())
        emit failed(outcome.error);
    else if (outcome.apply)
        outcome.apply();
    if (!m_running)
        emit idle();
}

}  // namespace sem::ui

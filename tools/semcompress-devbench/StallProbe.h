#pragma once
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QObject>
#include <QThread>
#include <QTimer>
#include <algorithm>

namespace sem::devbench {

// Measures how long the GUI thread could not react while it lives: the largest gap between ticks
// of a 5 ms timer, minus the 5 ms interval. For the benchmarks (slider, decode).
class StallProbe {
public:
    StallProbe()
    {
        tick_.start();
        timer_.setInterval(kIntervalMs);
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            maxGapMs_ = std::max(maxGapMs_, double(tick_.nsecsElapsed()) / 1e6);
            tick_.restart();
        });
        timer_.start();
    }
    StallProbe(const StallProbe&) = delete;
    StallProbe& operator=(const StallProbe&) = delete;

    double longestStallMs() const { return std::max(0.0, maxGapMs_ - kIntervalMs); }

private:
    static constexpr int kIntervalMs = 5;
    QElapsedTimer tick_;
    QTimer timer_;
    double maxGapMs_ = 0.0;
};

// The longest stall (StallProbe) while `running()` holds (or for `maxMs`), processing events
// every 0.2 ms like an idle event loop would.
template <typename Running>
double probeWhile(Running running, qint64 maxMs)
{
    const StallProbe probe;
    QElapsedTimer total;
    total.start();
    while (running() && total.elapsed() < maxMs) {
        QCoreApplication::processEvents();
        QThread::usleep(200);
    }
    return probe.longestStallMs();
}

}  // namespace sem::devbench

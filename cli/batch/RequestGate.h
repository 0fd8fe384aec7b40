#pragma once
#include <QtGlobal>
#include <deque>

namespace sem::cli {

// When the next request of a batch may start: at most `maxInFlight` at once, at most
// `maxPerMinute` started in any 60 s (0 = no cap), and none before a pause ends (a 429 with
// Retry-After pauses the whole batch). Times are milliseconds of one clock. Not thread-safe.
class RequestGate {
public:
    RequestGate(int maxInFlight, int maxPerMinute);

    // 0: a request may start now; > 0: not before that many ms; -1: wait until one finishes.
    qint64 waitMs(qint64 nowMs);
    void started(qint64 nowMs);
    void finished();
    // No request starts before `untilMs` (a later pause extends it, an earlier one does not shorten it).
    void pauseUntil(qint64 untilMs);
    int inFlight() const { return inFlight_; }

private:
    int maxInFlight_;
    int maxPerMinute_;
    int inFlight_ = 0;
    qint64 pausedUntilMs_ = 0;
    std::deque<qint64> starts_;  // of the last 60 s
};

}  // namespace sem::cli

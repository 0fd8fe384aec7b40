#include "cli/batch/RequestGate.h"

#include <algorithm>

namespace sem::cli {

RequestGate::RequestGate(int maxInFlight, int maxPerMinute)
    : maxInFlight_(std::max(1, maxInFlight)), maxPerMinute_(std::max(0, maxPerMinute))
{
}

qint64 RequestGate::waitMs(qint64 nowMs)
{
    if (inFlight_ >= maxInFlight_)
        return -1;
    qint64 wait = std::max<qint64>(0, pausedUntilMs_ - nowMs);
    while (!starts_.empty() && starts_.front() <= nowMs - 60'000)
        starts_.pop_front();
    if (maxPerMinute_ > 0 && static_cast<int>(starts_.size()) >= maxPerMinute_)
        wait = std::max(wait, starts_.front() + 60'000 - nowMs);
    return wait;
}

void RequestGate::started(qint64 nowMs)
{
    ++inFlight_;
    starts_.push_back(nowMs);
}

void RequestGate::finished()
{
    inFlight_ = std::max(0, inFlight_ - 1);
}

void RequestGate::pauseUntil(qint64 untilMs)
{
    pausedUntilMs_ = std::max(pausedUntilMs_, untilMs);
}

}  // namespace sem::cli

#pragma once
#include <QByteArray>
#include <QDateTime>
#include <optional>

namespace sem {

// When and how long to wait before retrying a caption request.
// Retried: HTTP 429 (unless the body says "insufficient_quota") and 5xx. Not retried: 401/403,
// quota, other 4xx, timeouts, network errors, bad replies.
class RetryPolicy {
public:
    static constexpr qint64 kMaxRetryAfterMs = 120'000;  // a longer Retry-After is not waited for

    RetryPolicy(int maxRetries, int baseMs, int capMs) : maxRetries_(maxRetries), baseMs_(baseMs), capMs_(capMs) {}

    static bool isQuotaError(int httpStatus, const QByteArray& body);
    static bool isRetryableStatus(int httpStatus, const QByteArray& body);

    // Retry-After as delta-seconds or an HTTP-date (relative to `now`); nullopt when absent
    // or unreadable. Negative values become 0.
    static std::optional<qint64> parseRetryAfter(const QByteArray& value, const QDateTime& now);

    // True while `retriesDone` < maxRetries.
    bool canRetry(int retriesDone) const { return retriesDone < maxRetries_; }

    // Delay before retry number `retry` (1-based): the server's Retry-After when given, else
    // min(cap, base * 2^(retry-1)) scaled by a random factor in [0.5, 1] (jitter).
    qint64 delayMs(int retry, std::optional<qint64> retryAfterMs) const;

private:
    int maxRetries_;
    int baseMs_;
    int capMs_;
};

}  // namespace sem

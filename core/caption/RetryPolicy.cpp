#include "core/caption/RetryPolicy.h"

#include <QRandomGenerator>
#include <algorithm>

namespace sem {

bool RetryPolicy::isQuotaError(int httpStatus, const QByteArray& body) {
    return httpStatus == 429 && body.contains("insufficient_quota");
}

bool RetryPolicy::isRetryableStatus(int httpStatus, const QByteArray& body) {
    if (httpStatus == 429) return !isQuotaError(httpStatus, body);
    return httpStatus >= 500 && httpStatus <= 599;
}

std::optional<qint64> RetryPolicy::parseRetryAfter(const QByteArray& value, const QDateTime& now) {
    const QByteArray v = value.trimmed();
    if (v.isEmpty()) return std::nullopt;
    bool ok = false;
    const qlonglong seconds = v.toLongLong(&ok);
    if (ok) return std::clamp<qint64>(seconds, 0, 24 * 3600) * 1000;
    // An HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT"); Qt's RFC 2822 parser wants "+0000".
    QString date = QString::fromLatin1(v);
    if (date.endsWith(QLatin1String(" GMT")) || date.endsWith(QLatin1String(" UTC")))
        date = date.chopped(4) + QStringLiteral(" +0000");
    const QDateTime when = QDateTime::fromString(date, Qt::RFC2822Date);
    if (!when.isValid()) return std::nullopt;
    return std::clamp<qint64>(now.msecsTo(when), 0, 24 * 3600 * 1000LL);
}

qint64 RetryPolicy::delayMs(int retry, std::optional<qint64> retryAfterMs) const {
    if (retryAfterMs) return *retryAfterMs;
    qint64 d = baseMs_;
    for (int i = 1; i < retry && d < capMs_; ++i) d *= 2;
    d = std::min<qint64>(d, capMs_);
    const double jitter = 0.5 + 0.5 * QRandomGenerator::global()->generateDouble();
    return static_cast<qint64>(static_cast<double>(d) * jitter);
}

}  // namespace sem

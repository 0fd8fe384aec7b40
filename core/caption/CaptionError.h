#pragma once
#include "core/common/Error.h"

#include <QMetaType>
#include <QString>

namespace sem {

// Why a caption request failed. The message is one sentence for the user, prefixed
// "caption: ", and never contains the API key (server texts are redacted first).
struct CaptionError {
    enum class Kind {
        InvalidInput,       // empty or unsupported image, bad settings
        MissingKey,         // the endpoint needs a key and none is available
        KeyRejected,        // HTTP 401/403: not retried
        QuotaExceeded,      // HTTP 429 with "insufficient_quota": not retried
        RateLimited,        // HTTP 429 after the last retry
        ServerError,        // HTTP 5xx after the last retry, or another unexpected status
        Timeout,            // no reply within the timeout
        Cancelled,          // cancel() was called
        Network,            // connection refused, DNS, TLS (never ignored) ...
        WrongContentType,   // 2xx reply that is not application/json
        TooLarge,           // reply body over the limit (aborted while reading)
        MalformedResponse,  // not JSON, or JSON without the expected fields
        EmptyResponse,      // no choices, or an empty caption
        Refusal,            // message.refusal set, or finish_reason "content_filter"
    };

    Kind kind = Kind::Network;
    QString message;
    int httpStatus = 0;  // 0 when no HTTP status was received
    int attempts = 0;    // requests sent, retries included

    static const char* kindName(Kind kind);  // "timeout", "key-rejected", ...
};

// What CaptionClient::captionBlocking throws: a sem::Error carrying the typed error.
class CaptionException : public Error {
public:
    explicit CaptionException(CaptionError error)
        : Error(error.message.toStdString()), error_(std::move(error)) {}
    const CaptionError& error() const { return error_; }

private:
    CaptionError error_;
};

}  // namespace sem

Q_DECLARE_METATYPE(sem::CaptionError)

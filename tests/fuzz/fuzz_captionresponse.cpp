// libFuzzer target: the Chat Completions response parser (CaptionResponse::parse, errorSummary).
// CaptionException (a sem::Error) is the documented way to refuse a body; anything else is a
// finding, and so is an empty caption or an error text or summary that contains the API key.
#include <QByteArray>
#include <QString>
#include <cstddef>
#include <cstdint>

#include "core/caption/CaptionError.h"
#include "core/caption/CaptionResponse.h"

namespace {
const QString kKey = QStringLiteral("sk-fuzz-SECRET-0123456789");
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), static_cast<int>(size));
    const int maxWords = size > 0 ? data[0] % 64 + 1 : 25;
    try {
        const sem::CaptionResult r = sem::CaptionResponse::parse(body, QStringLiteral("m"), maxWords, kKey);
        if (r.caption.isEmpty())  // the caption itself is not redacted (it is no server error text)
            __builtin_trap();
    } catch (const sem::CaptionException& e) {
        if (e.error().message.contains(kKey))
            __builtin_trap();
    }
    if (sem::CaptionResponse::errorSummary(body, kKey).contains(kKey))
        __builtin_trap();
    return 0;
}

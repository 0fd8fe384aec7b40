#pragma once
#include "core/caption/CaptionError.h"
#include "core/caption/CaptionResult.h"

#include <QByteArray>
#include <QString>

namespace sem {

// Reading what the server sent back.
class CaptionResponse {
public:
    // Parses a chat.completion body: choices[0].message.content (a string, or an array of
    // {"type":"text","text":...} parts), finish_reason, model, usage.*_tokens; then
    // post-processes the caption to `maxWords`. Throws CaptionException (kind MalformedResponse,
    // EmptyResponse or Refusal) with server text redacted of `apiKey`.
    static CaptionResult parse(const QByteArray& body, const QString& requestedModel, int maxWords,
                               const QString& apiKey);

    // A short, redacted description of an error body: error.message of an OpenAI-style
    // {"error":{...}} when there is one, else the start of the text (control characters removed).
    static QString errorSummary(const QByteArray& body, const QString& apiKey);

    // `text` with `apiKey` and anything shaped like an OpenAI key ("sk-" + 8 or more key
    // characters) replaced by "[redacted]".
    static QString redact(const QString& text, const QString& apiKey);
};

}  // namespace sem

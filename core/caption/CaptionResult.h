#pragma once
#include <QMetaType>
#include <QString>

namespace sem {

// Token counts reported by the server (-1 when the server did not report them).
struct CaptionUsage {
    int promptTokens = -1;
    int completionTokens = -1;
    int totalTokens = -1;
};

// A successful caption: already post-processed (trimmed, unquoted, within the word budget).
struct CaptionResult {
    QString caption;
    QString model;          // the model the server says answered, else the one requested
    QString finishReason;   // "stop", "length", ... (empty when absent)
    CaptionUsage usage;
    double seconds = 0.0;   // wall time from start() to the result, retries included
    int attempts = 0;       // requests sent, retries included
};

}  // namespace sem

Q_DECLARE_METATYPE(sem::CaptionResult)

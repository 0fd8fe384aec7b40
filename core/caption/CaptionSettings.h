#pragma once
#include <QString>
#include <QStringList>

class QSettings;

namespace sem {

// User settings of the captioner. Keys and defaults live only in CaptionSettings.cpp.
// Stored with QSettings (organisation and application "SemCompress") under "caption/".
// The API key is never part of these settings: see ApiKeyStore.
struct CaptionSettings {
    // gpt-4o-mini: a GPT-4-class vision model, the cheapest OpenAI one that reads images;
    // at detail "low" an image costs a fixed 85 prompt tokens.
    static constexpr const char* kDefaultBaseUrl = "https://api.openai.com/v1";
    static constexpr const char* kDefaultModel = "gpt-4o-mini";
    static constexpr int kDefaultMaxWords = 25;
    static constexpr const char* kDefaultDetail = "low";
    static constexpr int kDefaultTimeoutSeconds = 60;
    static constexpr int kDefaultMaxRetries = 3;

    static constexpr int kMinMaxWords = 1, kMaxMaxWords = 200;
    static constexpr int kMinTimeoutSeconds = 1, kMaxTimeoutSeconds = 600;
    static constexpr int kMinMaxRetries = 0, kMaxMaxRetries = 10;

    QString baseUrl = QString::fromLatin1(kDefaultBaseUrl);  // without "/chat/completions"
    QString model = QString::fromLatin1(kDefaultModel);
    int maxWords = kDefaultMaxWords;
    QString detail = QString::fromLatin1(kDefaultDetail);  // "low", "high" or "auto"
    int timeoutSeconds = kDefaultTimeoutSeconds;
    int maxRetries = kDefaultMaxRetries;  // retries after the first request (429 and 5xx only)

    // Retry backoff: min(cap, base * 2^(retry-1)) with jitter; Retry-After wins when sent.
    // Not persisted: tests set small values.
    int backoffBaseMs = 1000;
    int backoffCapMs = 30000;

    // The names `semc config set` accepts, in display order:
    // endpoint, model, max-words, detail, timeout, max-retries.
    static QStringList keys();
    // The value of one key as text; throws sem::Error for an unknown key.
    QString value(const QString& key) const;
    // Parses and sets one key; throws sem::Error ("caption settings: ...") naming the key and
    // the accepted range when the value is invalid. The settings are unchanged then.
    void set(const QString& key, const QString& text);

    // Reads from `settings`; a missing key takes its default, an invalid one its default plus a
    // warning appended to `warnings` (and sent to qWarning when `warnings` is null).
    static CaptionSettings load(QSettings& settings, QStringList* warnings = nullptr);
    static CaptionSettings load(QStringList* warnings = nullptr);  // the user's settings
    void save(QSettings& settings) const;
    void save() const;  // the user's settings

    // Empty when every field is valid, else one sentence per invalid field.
    QStringList problems() const;
    // The request URL: baseUrl + "/chat/completions".
    QString chatCompletionsUrl() const;
};

}  // namespace sem

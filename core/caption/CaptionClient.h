#pragma once
#include "core/caption/CaptionError.h"
#include "core/caption/CaptionResult.h"
#include "core/caption/CaptionSettings.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <functional>
#include <opencv2/core/mat.hpp>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace sem {

// Asks an OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, llama.cpp server,
// LM Studio, vLLM ...) for a caption of one image, over Qt Network.
//
// GUI use (asynchronous, in the object's thread): connect the signals, call start(); exactly
// one of finished() or failed() follows, always from the event loop (never from inside start()).
// cancel() aborts: failed() then reports Kind::Cancelled. CLI use: captionBlocking().
// Retries 429 (except quota) and 5xx with capped exponential backoff plus jitter, honouring
// Retry-After; 401/403 and quota errors fail at once. TLS errors are never ignored. The API key
// is sent only as "Authorization: Bearer", and only when not empty; it never appears in an error.
class CaptionClient : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kDefaultMaxResponseBytes = 1 << 20;  // 1 MiB

    explicit CaptionClient(QObject* parent = nullptr);
    ~CaptionClient() override;

    // Take effect at the next start(). Throws sem::Error when settings.problems() is not empty.
    void setSettings(const CaptionSettings& settings);
    const CaptionSettings& settings() const { return settings_; }
    void setApiKey(const QString& key);  // empty: no Authorization header (local servers)
    void setMaxResponseBytes(qint64 bytes) { maxResponseBytes_ = bytes; }

    bool isBusy() const { return busy_; }

    // Downscales (longest side 512 px at detail "low", else 1024) and JPEG-encodes `image`
    // (BGR, BGRA or grey, 8-bit) and sends it. Throws
    // sem::Error if a request is already running; every other problem arrives as failed().
    void start(const cv::Mat& image);
    // The same with an image that is already a JPEG (no re-encoding).
    void startWithJpeg(const QByteArray& jpeg);
    // Aborts the request or the wait before a retry. Does nothing when not busy.
    void cancel();

    using RetryCallback = std::function<void(int retry, int maxRetries, qint64 delayMs, const QString& reason)>;

    // Runs one request to completion in a local QEventLoop (needs a QCoreApplication; the
    // calling thread's other events are processed meanwhile). `onRetry`, when set, is told of
    // every scheduled retry. Throws CaptionException.
    static CaptionResult captionBlocking(const cv::Mat& image, const CaptionSettings& settings,
                                         const QString& apiKey, const RetryCallback& onRetry = {});

signals:
    void finished(const sem::CaptionResult& result);
    void failed(const sem::CaptionError& error);
    // A retry is scheduled: `retry` of `maxRetries`, after `delayMs`, because of `reason`.
    void retrying(int retry, int maxRetries, qint64 delayMs, const QString& reason);

private:
    void begin();
    void sendRequest();
    void onMetaDataChanged();
    void onReadyRead();
    void onReplyFinished();
    void handleHttpStatus(int status, const QByteArray& retryAfter);
    void fail(CaptionError::Kind kind, const QString& message, int httpStatus = 0);
    void failLater(CaptionError::Kind kind, const QString& message);
    void succeed(CaptionResult result);
    QString host() const;

    QNetworkAccessManager* network_;
    QTimer* retryTimer_;
    QTimer* deadlineTimer_;
    QNetworkReply* reply_ = nullptr;  // the running request, owned by network_
    CaptionSettings settings_;
    CaptionSettings active_;  // the settings of the running request
    QString apiKey_;
    QByteArray requestBody_;
    QByteArray received_;
    qint64 maxResponseBytes_ = kDefaultMaxResponseBytes;
    QElapsedTimer elapsed_;
    quint64 generation_ = 0;  // tells queued calls of an earlier request apart
    int attempts_ = 0;
    int retriesDone_ = 0;
    bool busy_ = false;
    bool cancelled_ = false;
    bool timedOut_ = false;
    bool tooLarge_ = false;
};

}  // namespace sem

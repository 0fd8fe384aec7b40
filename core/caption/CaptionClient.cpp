#include "core/caption/CaptionClient.h"

#include "core/caption/CaptionRequest.h"
#include "core/caption/CaptionResponse.h"
#include "core/caption/RetryPolicy.h"
#include "core/common/Error.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

namespace sem {
namespace {

using Kind = CaptionError::Kind;

bool isValidKey(const QString& key) {
    for (const QChar c : key)
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f) return false;
    return true;
}

void registerMetaTypes() {
    static const bool done = [] {
        qRegisterMetaType<sem::CaptionResult>("sem::CaptionResult");
        qRegisterMetaType<sem::CaptionError>("sem::CaptionError");
        return true;
    }();
    (void)done;
}

}  // namespace

const char* CaptionError::kindName(Kind kind) {
    switch (kind) {
    case Kind::InvalidInput: return "invalid-input";
    case Kind::MissingKey: return "missing-key";
    case Kind::KeyRejected: return "key-rejected";
    case Kind::QuotaExceeded: return "quota-exceeded";
    case Kind::RateLimited: return "rate-limited";
    case Kind::ServerError: return "server-error";
    case Kind::Timeout: return "timeout";
    case Kind::Cancelled: return "cancelled";
    case Kind::Network: return "network";
    case Kind::WrongContentType: return "wrong-content-type";
    case Kind::TooLarge: return "too-large";
    case Kind::MalformedResponse: return "malformed-response";
    case Kind::EmptyResponse: return "empty-response";
    case Kind::Refusal: return "refusal";
    }
    return "unknown";
}

CaptionClient::CaptionClient(QObject* parent)
    : QObject(parent),
      network_(new QNetworkAccessManager(this)),
      retryTimer_(new QTimer(this)),
      deadlineTimer_(new QTimer(this)) {
    registerMetaTypes();
    // A redirect to another origin would carry the key elsewhere: refuse it.
    network_->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
    retryTimer_->setSingleShot(true);
    retryTimer_->setTimerType(Qt::PreciseTimer);  // Retry-After is a lower bound
    deadlineTimer_->setSingleShot(true);
    connect(retryTimer_, &QTimer::timeout, this, &CaptionClient::sendRequest);
    connect(deadlineTimer_, &QTimer::timeout, this, [this] {
        if (QNetworkReply* reply = reply_) {
            timedOut_ = true;
            reply->abort();
        }
    });
}

CaptionClient::~CaptionClient() {
    if (QNetworkReply* reply = reply_) {
        reply_ = nullptr;
        reply->disconnect(this);
        reply->abort();
    }
}

void CaptionClient::setSettings(const CaptionSettings& settings) {
    const QStringList problems = settings.problems();
    if (!problems.isEmpty()) throw Error(problems.front().toStdString());
    settings_ = settings;
}

void CaptionClient::setApiKey(const QString& key) { apiKey_ = key.trimmed(); }

QString CaptionClient::host() const { return QUrl(active_.baseUrl).host(); }

void CaptionClient::start(const cv::Mat& image) {
    if (busy_) throw Error("caption: a request is already running.");
    QByteArray jpeg;
    try {
        jpeg = CaptionRequest::encodeJpeg(image, CaptionRequest::maxSideFor(settings_.detail));
    } catch (const Error& e) {
        begin();
        failLater(Kind::InvalidInput, QString::fromStdString(e.what()));
        return;
    }
    startWithJpeg(jpeg);
}

void CaptionClient::startWithJpeg(const QByteArray& jpeg) {
    if (busy_) throw Error("caption: a request is already running.");
    begin();
    if (jpeg.isEmpty()) {
        failLater(Kind::InvalidInput, QStringLiteral("caption: the image is empty."));
        return;
    }
    if (!isValidKey(apiKey_)) {
        failLater(Kind::InvalidInput,
                  QStringLiteral("caption: the API key contains spaces, control or non-ASCII characters."));
        return;
    }
    requestBody_ = CaptionRequest::body(jpeg, active_);
    // Queued, so that start() returns before anything is sent or reported.
    QTimer::singleShot(0, this, [this, generation = generation_] {
        if (busy_ && !cancelled_ && generation == generation_) sendRequest();
    });
}

void CaptionClient::begin() {
    busy_ = true;
    ++generation_;
    cancelled_ = false;
    attempts_ = 0;
    retriesDone_ = 0;
    active_ = settings_;
    elapsed_.start();
}

void CaptionClient::cancel() {
    if (!busy_) return;
    cancelled_ = true;
    retryTimer_->stop();
    deadlineTimer_->stop();
    if (QNetworkReply* reply = reply_)
        reply->abort();  // onReplyFinished reports the cancellation
    else
        fail(Kind::Cancelled, QStringLiteral("caption: the request was cancelled."));
}

void CaptionClient::sendRequest() {
    if (!busy_ || cancelled_) return;
    timedOut_ = false;
    tooLarge_ = false;
    received_.clear();
    ++attempts_;

    QNetworkRequest request{QUrl(active_.chatCompletionsUrl())};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("SemCompress"));
    if (!apiKey_.isEmpty()) request.setRawHeader("Authorization", "Bearer " + apiKey_.toLatin1());
    const int timeoutMs = active_.timeoutSeconds * 1000;
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);

    QNetworkReply* reply = network_->post(request, requestBody_);
    reply_ = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, &CaptionClient::onMetaDataChanged);
    connect(reply, &QNetworkReply::readyRead, this, &CaptionClient::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &CaptionClient::onReplyFinished);
    deadlineTimer_->start(timeoutMs);
}

void CaptionClient::onMetaDataChanged() {
    QNetworkReply* reply = reply_;
    if (!reply) return;
    const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
    if (length.isValid() && length.toLongLong() > maxResponseBytes_) {
        tooLarge_ = true;
        reply->abort();
    }
}

void CaptionClient::onReadyRead() {
    QNetworkReply* reply = reply_;
    if (!reply || tooLarge_ || !reply->isOpen()) return;
    // Never buffer more than the limit: read only up to one byte past it.
    const qint64 room = maxResponseBytes_ - received_.size() + 1;
    received_ += reply->read(room);
    if (received_.size() > maxResponseBytes_) {
        tooLarge_ = true;
        received_.clear();
        reply->abort();
    }
}

void CaptionClient::onReplyFinished() {
    QNetworkReply* reply = reply_;
    if (!reply) return;
    if (!tooLarge_) onReadyRead();  // whatever is left in the buffer
    reply_ = nullptr;
    reply->deleteLater();
    deadlineTimer_->stop();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = reply->error();
    if (cancelled_) return fail(Kind::Cancelled, QStringLiteral("caption: the request was cancelled."));
    if (tooLarge_)
        return fail(Kind::TooLarge,
                    QStringLiteral("caption: the reply from %1 is larger than %2 bytes; it was refused.")
                        .arg(host())
                        .arg(maxResponseBytes_),
                    status);
    if (timedOut_ || error == QNetworkReply::TimeoutError || error == QNetworkReply::OperationCanceledError)
        return fail(Kind::Timeout,
                    QStringLiteral("caption: %1 did not answer within %2 s.").arg(host()).arg(active_.timeoutSeconds),
                    status);
    // Errors below 100 are transport errors (refused, DNS, TLS, connection closed mid-reply).
    if (error != QNetworkReply::NoError && (status == 0 || static_cast<int>(error) < 100))
        return fail(Kind::Network,
                    QStringLiteral("caption: could not get a reply from %1: %2.")
                        .arg(host(), CaptionResponse::redact(reply->errorString(), apiKey_)),
                    status);
    if (status < 200 || status > 299) return handleHttpStatus(status, reply->rawHeader("Retry-After"));

    const QString contentType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    if (!contentType.trimmed().startsWith(QLatin1String("application/json"), Qt::CaseInsensitive))
        return fail(Kind::WrongContentType,
                    QStringLiteral("caption: %1 answered with content type \"%2\" instead of application/json; "
                                   "is the endpoint URL right?")
                        .arg(host(), contentType.left(80).toHtmlEscaped()),
                    status);
    try {
        CaptionResult result = CaptionResponse::parse(received_, active_.model, active_.maxWords, apiKey_);
        succeed(std::move(result));
    } catch (const CaptionException& e) {
        fail(e.error().kind, e.error().message, status);
    }
}

void CaptionClient::handleHttpStatus(int status, const QByteArray& retryAfter) {
    const QString summary = CaptionResponse::errorSummary(received_, apiKey_);
    const QString detail = summary.isEmpty() ? QString() : QStringLiteral(": ") + summary;
    if (status == 401 || status == 403)
        return fail(Kind::KeyRejected,
                    QStringLiteral("caption: API key rejected by %1 (HTTP %2)%3; set OPENAI_API_KEY or run "
                                   "\"semc config set-key\".")
                        .arg(host())
                        .arg(status)
                        .arg(detail),
                    status);
    if (RetryPolicy::isQuotaError(status, received_))
        return fail(Kind::QuotaExceeded,
                    QStringLiteral("caption: the account's quota at %1 is exhausted (HTTP 429)%2.").arg(host(), detail),
                    status);
    const Kind kind = status == 429 ? Kind::RateLimited : Kind::ServerError;
    if (!RetryPolicy::isRetryableStatus(status, received_))
        return fail(kind, QStringLiteral("caption: %1 answered HTTP %2%3.").arg(host()).arg(status).arg(detail), status);

    const RetryPolicy policy(active_.maxRetries, active_.backoffBaseMs, active_.backoffCapMs);
    const std::optional<qint64> wait = RetryPolicy::parseRetryAfter(retryAfter, QDateTime::currentDateTimeUtc());
    if (!policy.canRetry(retriesDone_))
        return fail(kind,
                    QStringLiteral("caption: %1 answered HTTP %2 %3 time(s)%4.")
                        .arg(host())
                        .arg(status)
                        .arg(attempts_)
                        .arg(detail),
                    status);
    if (wait && *wait > RetryPolicy::kMaxRetryAfterMs)
        return fail(kind,
                    QStringLiteral("caption: %1 answered HTTP %2 and asks to wait %3 s before retrying%4.")
                        .arg(host())
                        .arg(status)
                        .arg(*wait / 1000)
                        .arg(detail),
                    status);
    ++retriesDone_;
    const qint64 delay = policy.delayMs(retriesDone_, wait);
    emit retrying(retriesDone_, active_.maxRetries, delay,
                  QStringLiteral("HTTP %1%2").arg(status).arg(detail));
    retryTimer_->start(static_cast<int>(delay));
}

void CaptionClient::fail(Kind kind, const QString& message, int httpStatus) {
    busy_ = false;
    retryTimer_->stop();
    deadlineTimer_->stop();
    CaptionError e;
    e.kind = kind;
    e.message = CaptionResponse::redact(message, apiKey_);
    e.httpStatus = httpStatus;
    e.attempts = attempts_;
    emit failed(e);
}

void CaptionClient::failLater(Kind kind, const QString& message) {
    QTimer::singleShot(0, this, [this, kind, message, generation = generation_] {
        if (busy_ && generation == generation_) fail(kind, message);
    });
}

void CaptionClient::succeed(CaptionResult result) {
    busy_ = false;
    retryTimer_->stop();
    result.seconds = static_cast<double>(elapsed_.nsecsElapsed()) / 1e9;
    result.attempts = attempts_;
    emit finished(result);
}

CaptionResult CaptionClient::captionBlocking(const cv::Mat& image, const CaptionSettings& settings,
                                             const QString& apiKey, const RetryCallback& onRetry) {
    if (!QCoreApplication::instance()) throw Error("caption: the network client needs a QCoreApplication.");
    CaptionClient client;
    client.setSettings(settings);
    client.setApiKey(apiKey);
    QEventLoop loop;
    bool done = false;
    CaptionResult result;
    std::optional<CaptionError> error;
    connect(&client, &CaptionClient::finished, &loop, [&](const CaptionResult& r) {
        result = r;
        done = true;
        loop.quit();
    });
    connect(&client, &CaptionClient::failed, &loop, [&](const CaptionError& e) {
        error = e;
        done = true;
        loop.quit();
    });
    if (onRetry) connect(&client, &CaptionClient::retrying, &loop, onRetry);
    client.start(image);
    if (!done) loop.exec();
    if (error) throw CaptionException(*error);
    return result;
}

}  // namespace sem

// CaptionClient against a scripted HTTP server on 127.0.0.1: nothing here touches the internet.
#include "FakeHttpServer.h"
#include "core/caption/CaptionClient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using sem::CaptionClient;
using sem::CaptionError;
using sem::CaptionResult;
using sem::CaptionSettings;
using sem::test::FakeHttpServer;
using sem::test::RecordedRequest;
using sem::test::ScriptedResponse;
using Kind = sem::CaptionError::Kind;

namespace {

const QString kKey = QStringLiteral("sk-test-SECRET-123");

cv::Mat testImage(int width = 320, int height = 240) {
    cv::Mat img(height, width, CV_8UC3, cv::Scalar(40, 90, 200));
    cv::circle(img, {width / 2, height / 2}, std::min(width, height) / 4, cv::Scalar(20, 200, 30), -1);
    return img;
}

QByteArray okBody(const QByteArray& caption = R"("A green ball on an orange floor.")",
                  const QByteArray& finishReason = "stop") {
    return FakeHttpServer::completion(caption, finishReason);
}

// JSON string "  \"A green ball\n on   an orange floor.\" " (moc cannot read \" in raw strings).
const QByteArray kQuotedCaption = "\"  \\\"A green ball\\n on   an orange floor.\\\" \"";

struct Outcome {
    bool finished = false;
    CaptionResult result;
    std::optional<CaptionError> error;
    QStringList retryReasons;
    QList<qint64> retryDelays;
    qint64 elapsedMs = 0;
};

// Runs one asynchronous request on `client` until it finishes or fails (10 s at most).
Outcome runClient(CaptionClient& client, const cv::Mat& image, int cancelAfterMs = -1) {
    Outcome out;
    QEventLoop loop;
    QObject::connect(&client, &CaptionClient::finished, &loop, [&](const CaptionResult& r) {
        out.finished = true;
        out.result = r;
        loop.quit();
    });
    QObject::connect(&client, &CaptionClient::failed, &loop, [&](const CaptionError& e) {
        out.error = e;
        loop.quit();
    });
    QObject::connect(&client, &CaptionClient::retrying, &loop, [&](int, int, qint64 delay, const QString& why) {
        out.retryDelays << delay;
        out.retryReasons << why;
    });
    if (cancelAfterMs >= 0) QTimer::singleShot(cancelAfterMs, &client, [&client] { client.cancel(); });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    client.start(image);
    loop.exec();
    out.elapsedMs = timer.elapsed();
    client.disconnect(&loop);
    return out;
}

CaptionSettings settingsFor(const FakeHttpServer& server) {
    CaptionSettings s;
    s.baseUrl = server.baseUrl();
    s.model = QStringLiteral("fake-vision-1");
    s.timeoutSeconds = 5;
    s.maxRetries = 3;
    s.backoffBaseMs = 10;
    s.backoffCapMs = 40;
    return s;
}

}  // namespace

class TestCaptionClient : public QObject {
    Q_OBJECT

private:
    // Runs a request against `server` with the test key; returns the outcome.
    Outcome run(FakeHttpServer& server, const cv::Mat& image = testImage(), int cancelAfterMs = -1,
                const std::function<void(CaptionSettings&)>& tweak = {}, const QString& key = kKey) {
        CaptionClient client;
        CaptionSettings s = settingsFor(server);
        if (tweak) tweak(s);
        client.setSettings(s);
        client.setApiKey(key);
        Outcome out = runClient(client, image, cancelAfterMs);
        allMessages_ << out.retryReasons;
        if (out.error) allMessages_ << out.error->message;
        return out;
    }
    QStringList allMessages_;  // every error and retry text seen, checked for the key at the end

private slots:
    void requestIsWellFormed() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, okBody()));
        server.enqueue(FakeHttpServer::response(200, okBody()));
        const Outcome high = run(server, testImage(2000, 1000), -1, [](CaptionSettings& s) { s.detail = "high"; });
        QVERIFY(high.finished);
        const Outcome out = run(server, testImage(2000, 1000));
        QVERIFY2(out.finished, out.error ? qPrintable(out.error->message) : "no answer");
        QCOMPARE(server.requests().size(), 2);
        // detail "high": longest side 1024; detail "low" (the default): 512.
        const auto sentSize = [](const RecordedRequest& r) {
            const nlohmann::json j = nlohmann::json::parse(r.body.toStdString());
            const std::string url = j.at("messages").at(0).at("content").at(1).at("image_url").at("url").get<std::string>();
            const QByteArray jpeg = QByteArray::fromBase64(QByteArray::fromStdString(url.substr(url.find(',') + 1)));
            const cv::Mat m = cv::imdecode(std::vector<uchar>(jpeg.begin(), jpeg.end()), cv::IMREAD_COLOR);
            return QSize(m.cols, m.rows);
        };
        QCOMPARE(sentSize(server.requests().at(0)), QSize(1024, 512));
        QCOMPARE(sentSize(server.requests().at(1)), QSize(512, 256));
        const auto& req = server.requests().at(1);
        QCOMPARE(req.method, QByteArray("POST"));
        QCOMPARE(req.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(req.headers.value("authorization"), "Bearer " + kKey.toLatin1());
        QVERIFY(req.headers.value("content-type").startsWith("application/json"));
        const nlohmann::json j = nlohmann::json::parse(req.body.toStdString());
        QCOMPARE(j.at("model").get<std::string>(), std::string("fake-vision-1"));
        QVERIFY(j.at("max_tokens").get<int>() >= 25);
        const auto& content = j.at("messages").at(0).at("content");
        QCOMPARE(j.at("messages").at(0).at("role").get<std::string>(), std::string("user"));
        QCOMPARE(content.at(0).at("type").get<std::string>(), std::string("text"));
        QVERIFY(content.at(0).at("text").get<std::string>().find("25 words") != std::string::npos);
        QCOMPARE(content.at(1).at("type").get<std::string>(), std::string("image_url"));
        QCOMPARE(content.at(1).at("image_url").at("detail").get<std::string>(), std::string("low"));
        const std::string url = content.at(1).at("image_url").at("url").get<std::string>();
        const std::string prefix = "data:image/jpeg;base64,";
        QCOMPARE(url.substr(0, prefix.size()), prefix);
        const QByteArray jpeg = QByteArray::fromBase64(QByteArray::fromStdString(url.substr(prefix.size())),
                                                       QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(jpeg.startsWith("\xFF\xD8"));
        const cv::Mat decoded = cv::imdecode(std::vector<uchar>(jpeg.begin(), jpeg.end()), cv::IMREAD_COLOR);
        QVERIFY(!decoded.empty());
        QVERIFY(std::max(decoded.cols, decoded.rows) <= 1024);
        QCOMPARE(decoded.cols, 512);
        QCOMPARE(decoded.rows, 256);
    }

    void noKeyMeansNoAuthorizationHeader() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, okBody()));
        CaptionClient client;
        client.setSettings(settingsFor(server));
        const Outcome out = runClient(client, testImage());
        QVERIFY(out.finished);
        QVERIFY(!server.requests().front().headers.contains("authorization"));
    }

    void successIsParsedAndCleaned() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, okBody(kQuotedCaption)));
        const Outcome out = run(server);
        QVERIFY(out.finished);
        QCOMPARE(out.result.caption, QStringLiteral("A green ball on an orange floor."));
        QCOMPARE(out.result.model, QStringLiteral("fake-vision-1"));
        QCOMPARE(out.result.finishReason, QStringLiteral("stop"));
        QCOMPARE(out.result.usage.promptTokens, 101);
        QCOMPARE(out.result.usage.completionTokens, 12);
        QCOMPARE(out.result.usage.totalTokens, 113);
        QCOMPARE(out.result.attempts, 1);
        QVERIFY(out.result.seconds > 0.0);
    }

    void contentAsArrayOfParts() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(
            200, okBody(R"([{"type":"text","text":"A red kite"},{"type":"text","text":"over a beach."}])")));
        const Outcome out = run(server);
        QVERIFY(out.finished);
        QCOMPARE(out.result.caption, QStringLiteral("A red kite over a beach."));
    }

    void wordBudgetIsEnforced() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, okBody(R"("one two three four five, six seven")")));
        const Outcome out = run(server, testImage(), -1, [](CaptionSettings& s) { s.maxWords = 5; });
        QVERIFY(out.finished);
        QCOMPARE(out.result.caption, QStringLiteral("one two three four five"));
    }

    void unauthorizedIsNotRetried() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(
            401, R"({"error":{"message":"Incorrect API key provided: sk-test-SECRET-123.","code":"invalid_api_key"}})"));
        server.enqueue(FakeHttpServer::response(200, okBody()));
        const Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::KeyRejected);
        QCOMPARE(out.error->httpStatus, 401);
        QCOMPARE(server.requests().size(), 1);
        QVERIFY(out.error->message.contains(QLatin1String("API key rejected")));
        QVERIFY(out.error->message.contains(QLatin1String("[redacted]")));
    }

    void quotaIsNotRetried() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(
            429, R"({"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","code":"insufficient_quota"}})"));
        const Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::QuotaExceeded);
        QCOMPARE(server.requests().size(), 1);
    }

    void retryAfterIsHonoured() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(429, R"({"error":{"message":"Rate limit reached."}})",
                                                "application/json", {{"Retry-After", "1"}}));
        server.enqueue(FakeHttpServer::response(200, okBody()));
        const Outcome out = run(server);
        QVERIFY2(out.finished, out.error ? qPrintable(out.error->message) : "no answer");
        QCOMPARE(server.requests().size(), 2);
        QCOMPARE(out.result.attempts, 2);
        QCOMPARE(out.retryDelays, QList<qint64>{1000});
        QVERIFY2(out.elapsedMs >= 1000, qPrintable(QString::number(out.elapsedMs)));
    }

    void serverErrorsAreRetriedWithBackoff() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(500, "oops", "text/plain"));
        server.enqueue(FakeHttpServer::response(502, "<html>bad gateway</html>", "text/html"));
        server.enqueue(FakeHttpServer::response(200, okBody()));
        const Outcome out = run(server);
        QVERIFY2(out.finished, out.error ? qPrintable(out.error->message) : "no answer");
        QCOMPARE(out.result.attempts, 3);
        QCOMPARE(out.retryDelays.size(), 2);
        QVERIFY(out.retryDelays[0] >= 5 && out.retryDelays[0] <= 10);   // base 10 ms, jitter [0.5, 1]
        QVERIFY(out.retryDelays[1] >= 10 && out.retryDelays[1] <= 20);  // doubled
    }

    void retriesAreLimited() {
        FakeHttpServer server;
        for (int i = 0; i < 3; ++i) server.enqueue(FakeHttpServer::response(503, R"({"error":{"message":"overloaded"}})"));
        const Outcome out = run(server, testImage(), -1, [](CaptionSettings& s) { s.maxRetries = 1; });
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::ServerError);
        QCOMPARE(out.error->attempts, 2);
        QCOMPARE(server.requests().size(), 2);
        QVERIFY(out.error->message.contains(QLatin1String("overloaded")));
    }

    void slowReplyTimesOut() {
        FakeHttpServer server;
        server.enqueue(ScriptedResponse{FakeHttpServer::response(200, okBody()), 4000, 0, false});
        const Outcome out = run(server, testImage(), -1, [](CaptionSettings& s) { s.timeoutSeconds = 1; });
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::Timeout);
        QVERIFY2(out.elapsedMs >= 900 && out.elapsedMs < 2500, qPrintable(QString::number(out.elapsedMs)));
    }

    void truncatedJsonIsMalformed() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, "{\"choices\":[{\"message\":{\"content\":\"A red"));
        const Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::MalformedResponse);
    }

    void connectionClosedMidBodyIsANetworkError() {
        FakeHttpServer server;
        QByteArray raw = FakeHttpServer::response(200, okBody());
        raw.chop(20);  // Content-Length promises more than is sent
        server.enqueue(ScriptedResponse{raw, 0, 0, true});
        const Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(CaptionError::kindName(out.error->kind), "network");
    }

    void hugeDeclaredBodyIsRefused() {
        FakeHttpServer server;
        const qint64 size = 5 * 1024 * 1024;
        server.enqueue(ScriptedResponse{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                            + QByteArray::number(size) + "\r\n\r\n",
                                        0, size, true});
        const Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::TooLarge);
    }

    void hugeStreamedBodyIsAbortedWhileReading() {
        FakeHttpServer server;
        // No Content-Length: the size is only known by reading.
        server.enqueue(ScriptedResponse{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
                                        0, 5 * 1024 * 1024, true});
        const Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::TooLarge);
        QVERIFY(out.error->message.contains(QLatin1String("1048576")));
    }

    void connectionRefused() {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }  // closed: nothing listens there now
        CaptionClient client;
        CaptionSettings s;
        s.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
        client.setSettings(s);
        client.setApiKey(kKey);
        const Outcome out = runClient(client, testImage());
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::Network);
        QCOMPARE(out.error->httpStatus, 0);
        allMessages_ << out.error->message;
    }

    void wrongContentType() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, "<html><body>Welcome to nginx</body></html>", "text/html"));
        const Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::WrongContentType);
        QVERIFY(out.error->message.contains(QLatin1String("text/html")));
    }

    void emptyChoices() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, R"({"choices":[],"model":"fake"})"));
        server.enqueue(FakeHttpServer::response(200, okBody(R"("   ")")));
        Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::EmptyResponse);
        out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::EmptyResponse);
    }

    void refusal() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(
            200, R"({"choices":[{"message":{"role":"assistant","content":null,"refusal":"I cannot help with that, sk-test-SECRET-123."},"finish_reason":"stop"}]})"));
        server.enqueue(FakeHttpServer::response(200, okBody(R"("A caption")", "content_filter")));
        Outcome out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::Refusal);
        QVERIFY(out.error->message.contains(QLatin1String("I cannot help with that")));
        out = run(server);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::Refusal);
    }

    void cancelMidRequest() {
        FakeHttpServer server;
        server.enqueue(ScriptedResponse{FakeHttpServer::response(200, okBody()), 5000, 0, false});
        const Outcome out = run(server, testImage(), 200);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::Cancelled);
        QVERIFY2(out.elapsedMs < 1500, qPrintable(QString::number(out.elapsedMs)));
        QCOMPARE(server.requests().size(), 1);
    }

    void cancelDuringBackoff() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(503, "{}", "application/json", {{"Retry-After", "5"}}));
        server.enqueue(FakeHttpServer::response(200, okBody()));
        const Outcome out = run(server, testImage(), 300);
        QVERIFY(out.error);
        QCOMPARE(out.error->kind, Kind::Cancelled);
        QVERIFY(out.elapsedMs < 1500);
        QCOMPARE(server.requests().size(), 1);
    }

    void badImageFailsAsynchronously() {
        CaptionClient client;
        QSignalSpy failed(&client, &CaptionClient::failed);
        client.start(cv::Mat());
        QCOMPARE(failed.count(), 0);  // never from inside start()
        QVERIFY(client.isBusy());
        QVERIFY(failed.wait(2000));
        QCOMPARE(failed.front().front().value<CaptionError>().kind, Kind::InvalidInput);
        QVERIFY(!client.isBusy());
    }

    void startWhileBusyThrows() {
        FakeHttpServer server;
        server.enqueue(ScriptedResponse{FakeHttpServer::response(200, okBody()), 300, 0, false});
        CaptionClient client;
        client.setSettings(settingsFor(server));
        client.start(testImage());
        QVERIFY_THROWS_EXCEPTION(sem::Error, client.start(testImage()));
        client.cancel();
        QVERIFY(!client.isBusy());
    }

    void blockingHelper() {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, okBody()));
        server.enqueue(FakeHttpServer::response(403, R"({"error":{"message":"Forbidden for sk-test-SECRET-123"}})"));
        const CaptionResult r = CaptionClient::captionBlocking(testImage(), settingsFor(server), kKey);
        QCOMPARE(r.caption, QStringLiteral("A green ball on an orange floor."));
        try {
            CaptionClient::captionBlocking(testImage(), settingsFor(server), kKey);
            QFAIL("no exception");
        } catch (const sem::CaptionException& e) {
            QCOMPARE(e.error().kind, Kind::KeyRejected);
            QVERIFY(!QString::fromStdString(e.what()).contains(kKey));
            allMessages_ << QString::fromStdString(e.what());
        }
    }

    void keyNeverAppearsInMessages() {
        // Servers that echo the key back in every kind of error body.
        const QByteArray echo = R"({"error":{"message":"key sk-test-SECRET-123 is bad; also Bearer sk-test-SECRET-123"}})";
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(400, echo));
        server.enqueue(FakeHttpServer::response(500, echo));
        server.enqueue(FakeHttpServer::response(500, echo));
        server.enqueue(FakeHttpServer::response(429, QByteArray(echo).replace("bad", "insufficient_quota")));
        server.enqueue(FakeHttpServer::response(418, "plain text sk-test-SECRET-123", "text/plain"));
        run(server);
        run(server, testImage(), -1, [](CaptionSettings& s) { s.maxRetries = 1; });
        run(server);
        run(server);
        // A key that does not look like an OpenAI key is redacted too.
        server.enqueue(FakeHttpServer::response(401, R"({"error":"token local-SECRET-token-9 is unknown"})"));
        const Outcome local = run(server, testImage(), -1, {}, QStringLiteral("local-SECRET-token-9"));
        QVERIFY(local.error && local.error->message.contains(QLatin1String("is unknown")));
        QVERIFY(allMessages_.size() >= 20);  // the earlier tests' messages are here too
        for (const QString& m : std::as_const(allMessages_)) {
            QVERIFY2(!m.contains(kKey), qPrintable(m));
            QVERIFY2(!m.contains(QLatin1String("SECRET")), qPrintable(m));
        }
    }
};

QTEST_GUILESS_MAIN(TestCaptionClient)
#include "tst_captionclient.moc"

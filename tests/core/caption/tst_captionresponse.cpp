#include "core/caption/CaptionResponse.h"
#include "core/caption/RetryPolicy.h"

#include <QTimeZone>
#include <QtTest>

using sem::CaptionError;
using sem::CaptionResponse;
using sem::RetryPolicy;
using Kind = sem::CaptionError::Kind;

namespace {

Kind parseFailure(const QByteArray& body) {
    try {
        CaptionResponse::parse(body, "m", 25, "sk-test-SECRET-123");
    } catch (const sem::CaptionException& e) {
        return e.error().kind;
    }
    return Kind::InvalidInput;  // "did not fail": no test expects this kind
}

}  // namespace

class TestCaptionResponse : public QObject {
    Q_OBJECT

private slots:
    void parsesStringContent() {
        const auto r = CaptionResponse::parse(
            R"({"model":"gpt-4o-mini-2024-07-18","choices":[{"message":{"content":"A cat.","refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":92,"completion_tokens":4,"total_tokens":96}})",
            "gpt-4o-mini", 25, {});
        QCOMPARE(r.caption, QStringLiteral("A cat."));
        QCOMPARE(r.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
        QCOMPARE(r.usage.totalTokens, 96);
    }

    void toleratesMissingOptionalFields() {
        const auto r = CaptionResponse::parse(R"({"choices":[{"message":{"content":"A cat."}}]})", "llava", 25, {});
        QCOMPARE(r.model, QStringLiteral("llava"));
        QCOMPARE(r.usage.promptTokens, -1);
        QCOMPARE(r.finishReason, QString());
    }

    void failures_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("kind");
        QTest::newRow("empty body") << QByteArray() << int(Kind::MalformedResponse);
        QTest::newRow("not json") << QByteArray("<html>") << int(Kind::MalformedResponse);
        QTest::newRow("array") << QByteArray("[1,2]") << int(Kind::MalformedResponse);
        QTest::newRow("no choices") << QByteArray(R"({"id":"x"})") << int(Kind::MalformedResponse);
        QTest::newRow("choices not array") << QByteArray(R"({"choices":{}})") << int(Kind::MalformedResponse);
        QTest::newRow("empty choices") << QByteArray(R"({"choices":[]})") << int(Kind::EmptyResponse);
        QTest::newRow("choice not object") << QByteArray(R"({"choices":[3]})") << int(Kind::MalformedResponse);
        QTest::newRow("no message") << QByteArray(R"({"choices":[{}]})") << int(Kind::MalformedResponse);
        QTest::newRow("content number") << QByteArray(R"({"choices":[{"message":{"content":7}}]})") << int(Kind::MalformedResponse);
        QTest::newRow("content null") << QByteArray(R"({"choices":[{"message":{"content":null}}]})") << int(Kind::EmptyResponse);
        QTest::newRow("refusal") << QByteArray(R"({"choices":[{"message":{"content":null,"refusal":"No."}}]})") << int(Kind::Refusal);
        QTest::newRow("content filter") << QByteArray(R"({"choices":[{"message":{"content":"x"},"finish_reason":"content_filter"}]})") << int(Kind::Refusal);
        QTest::newRow("invalid utf8") << QByteArray("{\"choices\":[{\"message\":{\"content\":\"\xff\xfe\"}}]}") << int(Kind::MalformedResponse);
        QTest::newRow("deep nesting") << QByteArray(100000, '[') << int(Kind::MalformedResponse);
    }
    void failures() {
        QFETCH(QByteArray, body);
        QFETCH(int, kind);
        QCOMPARE(int(parseFailure(body)), kind);
    }

    void errorSummary() {
        QCOMPARE(CaptionResponse::errorSummary(R"({"error":{"message":"Bad key sk-test-SECRET-123"}})", "sk-test-SECRET-123"),
                 QStringLiteral("Bad key [redacted]"));
        QCOMPARE(CaptionResponse::errorSummary(R"({"error":"model not found"})", {}), QStringLiteral("model not found"));
        QCOMPARE(CaptionResponse::errorSummary("line1\r\nline2\x01", {}), QStringLiteral("line1 line2"));
        QVERIFY(CaptionResponse::errorSummary(QByteArray(5000, 'a'), {}).size() <= 303);
        // A key at the cut-off point is redacted before shortening, so no half of it survives.
        const QByteArray longBody = QByteArray(295, 'a') + " local-SECRET-xyz";
        QVERIFY(!CaptionResponse::errorSummary(longBody, "local-SECRET-xyz").contains(QLatin1String("SECR")));
    }

    void redact() {
        QCOMPARE(CaptionResponse::redact("use my-token now", "my-token"), QStringLiteral("use [redacted] now"));
        QCOMPARE(CaptionResponse::redact("Incorrect API key provided: sk-proj-abc***************wxyz.", {}),
                 QStringLiteral("Incorrect API key provided: [redacted]."));
        QCOMPARE(CaptionResponse::redact("no secrets here", "k"), QStringLiteral("no secrets here").replace("k", "[redacted]"));
    }

    void retryPolicyClassifiesStatuses() {
        QVERIFY(RetryPolicy::isRetryableStatus(429, R"({"error":{"code":"rate_limit_exceeded"}})"));
        QVERIFY(!RetryPolicy::isRetryableStatus(429, R"({"error":{"code":"insufficient_quota"}})"));
        QVERIFY(RetryPolicy::isQuotaError(429, "insufficient_quota"));
        QVERIFY(RetryPolicy::isRetryableStatus(500, {}));
        QVERIFY(RetryPolicy::isRetryableStatus(503, {}));
        QVERIFY(!RetryPolicy::isRetryableStatus(400, {}));
        QVERIFY(!RetryPolicy::isRetryableStatus(401, {}));
        QVERIFY(!RetryPolicy::isRetryableStatus(404, {}));
    }

    void retryAfterParsing() {
        const QDateTime now = QDateTime(QDate(2026, 11, 21), QTime(10, 0, 0), QTimeZone::utc());
        QVERIFY(now.isValid());
        QCOMPARE(RetryPolicy::parseRetryAfter("3", now), std::optional<qint64>(3000));
        QCOMPARE(RetryPolicy::parseRetryAfter(" 0 ", now), std::optional<qint64>(0));
        QCOMPARE(RetryPolicy::parseRetryAfter("-5", now), std::optional<qint64>(0));
        QCOMPARE(RetryPolicy::parseRetryAfter("Sat, 21 Nov 2026 10:00:07 GMT", now), std::optional<qint64>(7000));
        QCOMPARE(RetryPolicy::parseRetryAfter("", now), std::nullopt);
        QCOMPARE(RetryPolicy::parseRetryAfter("soon", now), std::nullopt);
    }

    void backoffIsCappedWithJitter() {
        const RetryPolicy policy(5, 100, 350);
        for (int i = 0; i < 50; ++i) {
            const qint64 d1 = policy.delayMs(1, std::nullopt);
            const qint64 d2 = policy.delayMs(2, std::nullopt);
            const qint64 d5 = policy.delayMs(5, std::nullopt);
            QVERIFY(d1 >= 50 && d1 <= 100);
            QVERIFY(d2 >= 100 && d2 <= 200);
            QVERIFY(d5 >= 175 && d5 <= 350);
        }
        QCOMPARE(policy.delayMs(1, 2500), qint64(2500));
        QVERIFY(policy.canRetry(4));
        QVERIFY(!policy.canRetry(5));
    }
};

QTEST_GUILESS_MAIN(TestCaptionResponse)
#include "tst_captionresponse.moc"

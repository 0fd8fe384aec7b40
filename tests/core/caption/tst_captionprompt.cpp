#include "core/caption/CaptionPrompt.h"
#include "core/caption/CaptionRequest.h"
#include "core/common/Error.h"

#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

using sem::CaptionPrompt;
using sem::CaptionRequest;

class TestCaptionPrompt : public QObject {
    Q_OBJECT

private slots:
    void promptNamesTheBudget() {
        const QString p = CaptionPrompt::text(17);
        QVERIFY(p.contains(QLatin1String("17 words")));
        QVERIFY(p.contains(QLatin1String("colour")));
        QVERIFY(p.contains(QLatin1String("no preamble")));
    }

    void postProcess_data() {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<int>("maxWords");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "A red car." << 25 << "A red car.";
        QTest::newRow("trim") << "  \n A red car.\t " << 25 << "A red car.";
        QTest::newRow("collapse") << "A  red\n\ncar   at dusk." << 25 << "A red car at dusk.";
        QTest::newRow("double quotes") << "\"A red car.\"" << 25 << "A red car.";
        QTest::newRow("single quotes") << "'A red car.'" << 25 << "A red car.";
        QTest::newRow("curly quotes") << QString::fromUtf8("\u201CA red car.\u201D") << 25 << "A red car.";
        QTest::newRow("label") << "Caption: A red car." << 25 << "A red car.";
        QTest::newRow("bold label and quotes") << "**Caption:** \"A red car.\"" << 25 << "A red car.";
        QTest::newRow("emphasis") << "*A red car.*" << 25 << "A red car.";
        QTest::newRow("inner quotes kept") << "A sign reading \"STOP\" on a pole." << 25 << "A sign reading \"STOP\" on a pole.";
        QTest::newRow("cut at word") << "one two three four five six" << 4 << "one two three four";
        QTest::newRow("cut drops comma") << "one two, three four" << 2 << "one two";
        QTest::newRow("exact budget") << "one two three" << 3 << "one two three";
        QTest::newRow("unicode") << QString::fromUtf8("Un café rouge à Paris") << 3 << QString::fromUtf8("Un café rouge");
        QTest::newRow("empty") << "   " << 25 << "";
        QTest::newRow("only quotes") << "\"\"" << 25 << "";
    }
    void postProcess() {
        QFETCH(QString, raw);
        QFETCH(int, maxWords);
        QFETCH(QString, expected);
        const QString out = CaptionPrompt::postProcess(raw, maxWords);
        QCOMPARE(out, expected);
        QVERIFY(CaptionPrompt::wordCount(out) <= maxWords);
    }

    void jpegIsDownscaled_data() {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("expectedWidth");
        QTest::addColumn<int>("expectedHeight");
        QTest::newRow("wide") << 2000 << 1000 << 3 << 1024 << 512;
        QTest::newRow("tall") << 600 << 3000 << 3 << 205 << 1024;
        QTest::newRow("small kept") << 640 << 480 << 3 << 640 << 480;
        QTest::newRow("grey") << 1500 << 1500 << 1 << 1024 << 1024;
        QTest::newRow("bgra") << 100 << 50 << 4 << 100 << 50;
        QTest::newRow("thin") << 5000 << 2 << 3 << 1024 << 1;
    }
    void jpegIsDownscaled() {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, channels);
        QFETCH(int, expectedWidth);
        QFETCH(int, expectedHeight);
        cv::Mat img(height, width, CV_8UC(channels), cv::Scalar::all(128));
        const QByteArray jpeg = CaptionRequest::encodeJpeg(img);
        const cv::Mat back = cv::imdecode(std::vector<uchar>(jpeg.begin(), jpeg.end()), cv::IMREAD_UNCHANGED);
        QCOMPARE(back.cols, expectedWidth);
        QCOMPARE(back.rows, expectedHeight);
    }

    void lowDetailSendsHalfTheSize() {
        QCOMPARE(CaptionRequest::maxSideFor("low"), 512);
        QCOMPARE(CaptionRequest::maxSideFor("high"), 1024);
        QCOMPARE(CaptionRequest::maxSideFor("auto"), 1024);
        const cv::Mat img(1000, 2000, CV_8UC3, cv::Scalar::all(70));
        const QByteArray jpeg = CaptionRequest::encodeJpeg(img, CaptionRequest::maxSideFor("low"));
        const cv::Mat back = cv::imdecode(std::vector<uchar>(jpeg.begin(), jpeg.end()), cv::IMREAD_COLOR);
        QCOMPARE(back.cols, 512);
        QCOMPARE(back.rows, 256);
    }

    void badImagesAreRefused() {
        QVERIFY_THROWS_EXCEPTION(sem::Error, CaptionRequest::encodeJpeg(cv::Mat()));
        QVERIFY_THROWS_EXCEPTION(sem::Error, CaptionRequest::encodeJpeg(cv::Mat(10, 10, CV_32FC3)));
        QVERIFY_THROWS_EXCEPTION(sem::Error, CaptionRequest::encodeJpeg(cv::Mat(10, 10, CV_8UC2)));
    }

    void bodyHasTheOpenAiShape() {
        sem::CaptionSettings s;
        s.model = "llava";
        s.detail = "high";
        s.maxWords = 10;
        const QByteArray body = CaptionRequest::body(QByteArray("\xFF\xD8jpeg", 6), s);
        const nlohmann::json j = nlohmann::json::parse(body.toStdString());
        QCOMPARE(j.at("model").get<std::string>(), std::string("llava"));
        QCOMPARE(j.at("max_tokens").get<int>(), CaptionRequest::maxTokens(10));
        const auto& parts = j.at("messages").at(0).at("content");
        QCOMPARE(parts.size(), std::size_t(2));
        QCOMPARE(parts.at(1).at("image_url").at("detail").get<std::string>(), std::string("high"));
        QCOMPARE(parts.at(1).at("image_url").at("url").get<std::string>(),
                 "data:image/jpeg;base64," + QByteArray("\xFF\xD8jpeg", 6).toBase64().toStdString());
    }
};

QTEST_GUILESS_MAIN(TestCaptionPrompt)
#include "tst_captionprompt.moc"

// `semc caption` and `semc config` (cli/commands), and the caption bench (cli/bench), against a
// scripted server on 127.0.0.1, with settings in a temporary folder and an unreachable keychain.
// Set SEM_CAPTION_BENCH_REQUESTS=N (default 10) and SEM_CAPTION_BENCH_WIDTH/HEIGHT (default
// 768x512), SEM_CAPTION_BENCH_DETAIL (default low) or SEM_CAPTION_BENCH_IMAGE (a file instead of
// the synthetic image) to run the bench with other values; SEM_CAPTION_BENCH_QUICKACK=0 turns the
// server's quick ACK off (see cli/bench/CaptionBench.h).
#include "core/caption/FakeHttpServer.h"
#include "cli/Command.h"
#include "cli/bench/CaptionBench.h"
#include "cli/commands/CaptionCommand.h"
#include "cli/commands/ConfigCommand.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

using sem::test::FakeHttpServer;

namespace {

const QByteArray kKey = "sk-test-SECRET-123";

struct Run {
    int code = -1;
    QString out;
    QString err;
};

Run runCommand(sem::cli::Command& command, const QStringList& args) {
    std::ostringstream out, err;
    sem::cli::Io io{out, err};
    Run r;
    r.code = command.run(args, io);
    r.out = QString::fromStdString(out.str());
    r.err = QString::fromStdString(err.str());
    return r;
}

QByteArray completion(const QByteArray& text) { return FakeHttpServer::completion("\"" + text + "\""); }

}  // namespace

class TestCaptionCommands : public QObject {
    Q_OBJECT

private:
    QTemporaryDir home_;
    QString imagePath_;

    bool secretWrittenSomewhere() const {
        QDirIterator it(home_.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains("SECRET")) return true;
        }
        return false;
    }

    Run caption(const QStringList& args) {
        sem::cli::CaptionCommand command;
        return runCommand(command, args);
    }
    Run config(const QStringList& args, const std::string& input = {}) {
        std::istringstream in(input);
        sem::cli::ConfigCommand command(in);
        return runCommand(command, args);
    }

private slots:
    void initTestCase() {
        QVERIFY(home_.isValid());
        qputenv("HOME", home_.path().toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", home_.filePath("config").toLocal8Bit());
        qputenv("XDG_DATA_HOME", home_.filePath("data").toLocal8Bit());
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + home_.filePath("no-bus").toLocal8Bit());
        qunsetenv("DISPLAY");
        qunsetenv("OPENAI_API_KEY");
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home_.filePath("config"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::SystemScope, home_.filePath("system"));
        imagePath_ = home_.filePath("in.png");
        cv::Mat img(300, 400, CV_8UC3, cv::Scalar(30, 160, 60));
        cv::circle(img, {200, 150}, 60, cv::Scalar(10, 10, 220), -1);
        QVERIFY(cv::imwrite(imagePath_.toStdString(), img));
    }

    void cleanup() { qunsetenv("OPENAI_API_KEY"); }

    void captionHelp() {
        const Run r = caption({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith(QLatin1String("Usage: semc caption [options] IN")), qPrintable(r.out));
        for (const char* option : {"--model", "--base-url", "--max-words", "--detail", "--timeout", "--json"})
            QVERIFY2(r.out.contains(QLatin1String(option)), option);
    }

    void captionPrintsTheCaption() {
        qputenv("OPENAI_API_KEY", kKey);
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, completion("A red disc on a green field.")));
        const Run r = caption({imagePath_, "--base-url", server.baseUrl(), "--model", "m-1", "--max-words", "10"});
        QCOMPARE(r.err, QString());
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QStringLiteral("A red disc on a green field.\n"));
        QCOMPARE(server.requests().size(), 1);
        QCOMPARE(server.requests().front().headers.value("authorization"), "Bearer " + kKey);
        const nlohmann::json body = nlohmann::json::parse(server.requests().front().body.toStdString());
        QCOMPARE(body.at("model").get<std::string>(), std::string("m-1"));
    }

    void encodeWithAutoCaption() {
        FakeHttpServer server;
        QCOMPARE(config({"set", "endpoint", server.baseUrl()}).code, 0);
        server.enqueue(FakeHttpServer::response(200, completion("A red disc on a green field.")));
        const QString sem = home_.filePath("auto.sem");
        std::ostringstream out, err;
        sem::cli::Io io{out, err};
        QCOMPARE(sem::cli::runCli({"semc", "encode", imagePath_, "-o", sem, "--caption", "auto"}, io), 0);
        QCOMPARE(server.requests().size(), 1);
        std::ostringstream infoOut;
        sem::cli::Io infoIo{infoOut, err};
        QCOMPARE(sem::cli::runCli({"semc", "info", sem, "--json"}, infoIo), 0);
        QCOMPARE(nlohmann::json::parse(infoOut.str()).at("caption").get<std::string>(),
                 std::string("A red disc on a green field."));

        // A rejected key: exit code 1, the reason in one line, no file written, the key nowhere.
        qputenv("OPENAI_API_KEY", kKey);
        server.enqueue(FakeHttpServer::response(401, R"({"error":{"message":"Incorrect API key provided: )"
                                                          + kKey + R"("}})"));
        const QString never = home_.filePath("never.sem");
        std::ostringstream out2, err2;
        sem::cli::Io io2{out2, err2};
        QCOMPARE(sem::cli::runCli({"semc", "encode", imagePath_, "-o", never, "--caption", "auto"}, io2), 1);
        QVERIFY(!QFile::exists(never));
        QVERIFY(!QString::fromStdString(err2.str()).contains(QString::fromLatin1(kKey)));
        QCOMPARE(QString::fromStdString(err2.str()).count('\n'), 1);
        qunsetenv("OPENAI_API_KEY");
        QCOMPARE(config({"set", "endpoint", "https://api.openai.com/v1"}).code, 0);
    }

    void captionJson() {
        FakeHttpServer server;  // no key: a local server needs none
        server.enqueue(FakeHttpServer::response(200, completion("A red disc.")));
        const Run r = caption({imagePath_, "--base-url", server.baseUrl(), "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(!server.requests().front().headers.contains("authorization"));
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j.at("caption").get<std::string>(), std::string("A red disc."));
        QCOMPARE(j.at("bytes").get<int>(), 11);
        QCOMPARE(j.at("model").get<std::string>(), std::string("fake-vision-1"));
        QCOMPARE(j.at("usage").at("total_tokens").get<int>(), 113);
        QVERIFY(j.at("seconds").get<double>() > 0.0);
        QCOMPARE(j.at("attempts").get<int>(), 1);
    }

    void captionErrorsAreOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no file") << QStringList{"/nonexistent/x.png"} << "cannot read /nonexistent/x.png";
        QTest::newRow("not an image") << QStringList{"@README"} << "not a PNG, JPEG, WebP, TIFF or BMP file";
        QTest::newRow("bad detail") << QStringList{"@IMG", "--detail", "medium"} << "detail must be low, high or auto";
        QTest::newRow("bad words") << QStringList{"@IMG", "--max-words", "0"} << "max-words must be an integer";
        QTest::newRow("bad url") << QStringList{"@IMG", "--base-url", "localhost"} << "endpoint must be";
        QTest::newRow("unknown option") << QStringList{"@IMG", "--colour"} << "Unknown option";
        QTest::newRow("no input") << QStringList{} << "expected one image file";
    }
    void captionErrorsAreOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const QString notImage = home_.filePath("README");
        QFile f(notImage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an image");
        f.close();
        args.replaceInStrings(QStringLiteral("@IMG"), imagePath_);
        args.replaceInStrings(QStringLiteral("@README"), notImage);
        const Run r = caption(args);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.out, QString());
        QVERIFY2(r.err.startsWith(QLatin1String("semc caption: ")) && r.err.count(QLatin1Char('\n')) == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    }

    void captionRejectedKeyIsNotPrinted() {
        qputenv("OPENAI_API_KEY", kKey);
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(401, R"({"error":{"message":"Incorrect API key provided: sk-test-SECRET-123"}})"));
        const Run r = caption({imagePath_, "--base-url", server.baseUrl()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("API key rejected")), qPrintable(r.err));
        QVERIFY(!r.err.contains(QLatin1String("SECRET")));
        QCOMPARE(server.requests().size(), 1);
    }

    void captionWithoutKeyForOpenAiStopsBeforeSending() {
        const Run r = caption({imagePath_});  // default endpoint: api.openai.com
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("no API key")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("keychain")), qPrintable(r.err));
    }

    void configSetAndShow() {
        QCOMPARE(config({"set", "model", "llava:7b"}).code, 0);
        QCOMPARE(config({"set", "max-words", "12"}).out, QStringLiteral("max-words = 12\n"));
        const Run bad = config({"set", "timeout", "0"});
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.startsWith(QLatin1String("semc config: caption settings: timeout must be")), qPrintable(bad.err));
        const Run r = config({"show", "--json"});
        QCOMPARE(r.code, 0);
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j.at("caption").at("model").get<std::string>(), std::string("llava:7b"));
        QCOMPARE(j.at("caption").at("max-words").get<std::string>(), std::string("12"));
        QCOMPARE(j.at("caption").at("timeout").get<std::string>(), std::string("60"));
        QCOMPARE(j.at("api_key").at("available").get<bool>(), false);
        QVERIFY(QString::fromStdString(j.at("settings_file").get<std::string>()).startsWith(home_.path()));
        // The caption command uses what was saved.
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, completion("one two three")));
        QCOMPARE(caption({imagePath_, "--base-url", server.baseUrl()}).code, 0);
        QCOMPARE(nlohmann::json::parse(server.requests().front().body.toStdString()).at("model").get<std::string>(),
                 std::string("llava:7b"));
    }

    void configShowNamesTheKeySourceNotTheKey() {
        qputenv("OPENAI_API_KEY", kKey);
        const Run r = config({"show"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QLatin1String("API key: available from the environment variable OPENAI_API_KEY")), qPrintable(r.out));
        QVERIFY(!r.out.contains(QLatin1String("SECRET")));
        qunsetenv("OPENAI_API_KEY");
        const Run none = config({"show"});
        QVERIFY2(none.out.contains(QLatin1String("API key: none")), qPrintable(none.out));
    }

    void configNeverTakesTheKeyFromTheCommandLine() {
        for (const QStringList& args : {QStringList{"set", "api-key", QString::fromLatin1(kKey)},
                                        QStringList{"set-key", QString::fromLatin1(kKey)},
                                        QStringList{QString::fromLatin1(kKey)}}) {
            const Run r = config(args);
            QCOMPARE(r.code, 1);
            QVERIFY2(!r.err.contains(QLatin1String("SECRET")) && !r.out.contains(QLatin1String("SECRET")), qPrintable(r.err));
        }
        QVERIFY(!secretWrittenSomewhere());
    }

    void configSetKeyReadsStandardInput() {
        // The keychain is unreachable here: a clear error, no plain-text fallback.
        const Run r = config({"set-key"}, kKey.toStdString() + "\n");
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith(QLatin1String("semc config: API key store: could not save the key")), qPrintable(r.err));
        QVERIFY(!r.err.contains(QLatin1String("SECRET")));
        QVERIFY(!secretWrittenSomewhere());
        const Run d = config({"delete-key"});
        QCOMPARE(d.code, 1);
        QVERIFY2(d.err.contains(QLatin1String("keychain")), qPrintable(d.err));
    }

    void configHelp() {
        const Run r = config({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QLatin1String("semc config set-key")));
        QCOMPARE(config({}).code, 1);
    }

    void captionBench() {
        const int n = qEnvironmentVariableIsSet("SEM_CAPTION_BENCH_REQUESTS")
                          ? qEnvironmentVariableIntValue("SEM_CAPTION_BENCH_REQUESTS")
                          : 10;
        const int width = qEnvironmentVariableIsSet("SEM_CAPTION_BENCH_WIDTH") ? qEnvironmentVariableIntValue("SEM_CAPTION_BENCH_WIDTH") : 768;
        const int height = qEnvironmentVariableIsSet("SEM_CAPTION_BENCH_HEIGHT") ? qEnvironmentVariableIntValue("SEM_CAPTION_BENCH_HEIGHT") : 512;
        const std::string detail = qEnvironmentVariableIsSet("SEM_CAPTION_BENCH_DETAIL") ? qgetenv("SEM_CAPTION_BENCH_DETAIL").toStdString() : "low";
        cv::Mat image = sem::cli::captionBenchImage(width, height);
        if (qEnvironmentVariableIsSet("SEM_CAPTION_BENCH_IMAGE")) {
            image = cv::imread(qEnvironmentVariable("SEM_CAPTION_BENCH_IMAGE").toStdString(), cv::IMREAD_COLOR);
            QVERIFY(!image.empty());
        }
        const bool quickAck = qEnvironmentVariable("SEM_CAPTION_BENCH_QUICKACK") != QLatin1String("0");
        const sem::cli::CaptionBenchReport report = sem::cli::runCaptionBench(n, image, detail, quickAck);
        std::ostringstream table;
        sem::cli::printCaptionBench(report, table);
        qInfo("%s", table.str().c_str());
        QCOMPARE(report.requests, n);
        QVERIFY(report.requestBytes > 1000);
        QCOMPARE(report.detail, detail);
        QVERIFY(report.encodeMedianMs > 0.0);
        QVERIFY(report.requestCpuMs > 0.0);
        if (quickAck) QVERIFY2(report.requestMedianMs < 50.0, "over the 50 ms budget per request");
    }
};

QTEST_GUILESS_MAIN(TestCaptionCommands)
#include "tst_captioncommands.moc"

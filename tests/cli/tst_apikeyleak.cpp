// The API key never leaks from the command line program: the real `semc` executable runs as a
// child process (so every byte it prints, Qt's own log messages included, is seen) with a marker
// key in OPENAI_API_KEY, a private HOME/XDG folder and an unreachable keychain, against a scripted
// server on 127.0.0.1 that fails in every way (401, 500, malformed JSON, an HTML page) and echoes
// the key back. Afterwards the marker must appear in no stdout, no stderr and no file under HOME
// (the caption settings file, the written .sem files, anything else). The server must have received
// the key, so the marker really was in play.
#include <QDirIterator>
#include <QEventLoop>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/caption/FakeHttpServer.h"

using sem::test::FakeHttpServer;

namespace {

const QByteArray kKey = "sk-test-MARKER-5b1e9c7d3f20a4e6";
// (No raw string literal may end in `")"` here: moc 6.4 then finds no class in the file.)
// A distinctive piece of the key: a partial echo (a prefix, a suffix) must not survive either.
const QByteArray kKeyCore = "MARKER-5b1e9c7d";

struct Result {
    int code = -1;
    QByteArray out, err;
};

}  // namespace

class TestApiKeyLeak : public QObject {
    Q_OBJECT

    QTemporaryDir home_;
    QString image_;
    QProcessEnvironment env_;
    QByteArray everything_;  // all stdout and stderr of every run
    int runs_ = 0;

    // Runs semc in the test's event loop (the fake server answers from it).
    Result semc(const QStringList& args, const QByteArray& input = {})
    {
        QProcess p;
        p.setProcessEnvironment(env_);
        QEventLoop loop;
        connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
        connect(&p, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);  // only a guard against a hang
        p.start(QStringLiteral(SEMC_BINARY), args);
        if (!input.isEmpty()) {
            p.write(input);
            p.closeWriteChannel();
        }
        if (p.state() != QProcess::NotRunning)
            loop.exec();
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        Result r;
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        everything_ += r.out + r.err;
        ++runs_;
        return r;
    }

    static QByteArray leakIn(const QByteArray& text)
    {
        if (text.contains(kKey))
            return "the whole key";
        if (text.contains(kKeyCore))
            return "a piece of the key";
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(home_.isValid());
        env_ = QProcessEnvironment::systemEnvironment();
        env_.insert("HOME", home_.path());
        env_.insert("XDG_CONFIG_HOME", home_.filePath("config"));
        env_.insert("XDG_DATA_HOME", home_.filePath("data"));
        env_.insert("XDG_CACHE_HOME", home_.filePath("cache"));
        env_.insert("XDG_RUNTIME_DIR", home_.filePath("runtime"));
        env_.insert("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + home_.filePath("no-bus"));
        env_.insert("OPENAI_API_KEY", QString::fromLatin1(kKey));
        env_.insert("QT_LOGGING_RULES", "*.debug=true");  // every category of Qt's log, to be searched too
        env_.remove("DISPLAY");
        image_ = home_.filePath("in.png");
        cv::Mat img(120, 160, CV_8UC3, cv::Scalar(30, 160, 60));
        cv::circle(img, {80, 60}, 30, cv::Scalar(10, 10, 220), -1);
        QVERIFY(cv::imwrite(image_.toStdString(), img));
    }

    void failuresEchoingTheKeyDoNotPrintIt()
    {
        FakeHttpServer server;
        QCOMPARE(semc({"config", "set", "endpoint", server.baseUrl()}).code, 0);
        QCOMPARE(semc({"config", "set", "max-retries", "0"}).code, 0);
        const QByteArray hint = "sk-test-MARK" + QByteArray(12, '*') + kKey.right(4);  // OpenAI's style
        server.enqueue(FakeHttpServer::response(401, R"({"error":{"message":"Incorrect API key provided: )" + hint
                                                          + R"(. Key )" + kKey + R"(","code":"invalid_api_key"}})"));
        server.enqueue(FakeHttpServer::response(500, R"({"error":{"message":"internal error handling )" + kKey + R"("}})"));
        server.enqueue(FakeHttpServer::response(200, "{\"choices\":[{\"message\":{\"content\":\"" + kKey + R"( is)"));
        server.enqueue(FakeHttpServer::response(502, "<html><body>Bad gateway for Bearer " + kKey + "</body></html>",
                                                "text/html"));
        for (int i = 0; i < 4; ++i) {
            const Result r = semc({"caption", image_});
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.contains("semc caption: "), r.err.constData());  // after Qt's debug log
        }
        // The same failure through `semc encode --caption auto`: no file, no key.
        server.enqueue(FakeHttpServer::response(401, R"({"error":{"message":"Incorrect API key provided: )" + kKey + R"("}})"));
        const QString never = home_.filePath("never.sem");
        QCOMPARE(semc({"encode", image_, "-o", never, "--caption", "auto"}).code, 1);
        QVERIFY(!QFile::exists(never));
        QCOMPARE(server.requests().size(), 5);
        for (const auto& request : server.requests())  // the marker was in play
            QCOMPARE(request.headers.value("authorization"), "Bearer " + kKey);
    }

    void successesDoNotWriteIt()
    {
        FakeHttpServer server;
        QCOMPARE(semc({"config", "set", "endpoint", server.baseUrl()}).code, 0);
        server.enqueue(FakeHttpServer::response(200, FakeHttpServer::completion(R"("A red disc on a green field.")")));
        server.enqueue(FakeHttpServer::response(200, FakeHttpServer::completion(R"("A red disc on a green field.")")));
        const Result caption = semc({"caption", image_, "--json"});
        QCOMPARE(caption.code, 0);
        QVERIFY2(caption.out.contains("A red disc"), caption.out.constData());
        const QString sem = home_.filePath("auto.sem");
        QCOMPARE(semc({"encode", image_, "-o", sem, "--caption", "auto", "--json"}).code, 0);
        QVERIFY(QFileInfo(sem).size() > 0);
        const Result info = semc({"info", sem, "--json"});
        QCOMPARE(info.code, 0);
        QVERIFY2(info.out.contains("A red disc"), info.out.constData());
        QCOMPARE(server.requests().size(), 2);
        for (const auto& request : server.requests())
            QCOMPARE(request.headers.value("authorization"), "Bearer " + kKey);
    }

    void configDoesNotShowOrStoreIt()
    {
        const Result show = semc({"config", "show"});
        QCOMPARE(show.code, 0);
        QVERIFY2(show.out.contains("OPENAI_API_KEY"), show.out.constData());  // it names the source
        QCOMPARE(semc({"config", "show", "--json"}).code, 0);
        // The keychain is unreachable here: storing fails, and must not fall back to a file.
        const Result set = semc({"config", "set-key"}, kKey + "\n");
        QCOMPARE(set.code, 1);
        QCOMPARE(semc({"config", "set", "api-key", QString::fromLatin1(kKey)}).code, 1);
    }

    void markerIsNowhere()
    {
        QVERIFY(runs_ >= 14);
        QVERIFY2(leakIn(everything_).isEmpty(), everything_.constData());
        int files = 0;
        QDirIterator it(home_.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            const QByteArray leak = leakIn(f.readAll());
            QVERIFY2(leak.isEmpty(), qPrintable(path + ": " + leak));
            ++files;
        }
        QVERIFY(files >= 3);  // the image, the settings file, the .sem at least
        QVERIFY(QFile::exists(home_.filePath("config/SemCompress/SemCompress.conf")));
    }
};

QTEST_GUILESS_MAIN(TestApiKeyLeak)
#include "tst_apikeyleak.moc"

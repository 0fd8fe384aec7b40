// The API key never leaks from the desktop app: with a marker key in OPENAI_API_KEY, caption
// generation fails in every way against a scripted server that echoes the key (401, 500, malformed
// JSON), then succeeds; the working state is autosaved, the document saved as .sem, and the key is
// typed into the Settings dialog while the keychain is unreachable. Afterwards the marker must be in
// no file under the test's private settings folder (QSettings of the app and of the caption
// settings, the autosave group, the .sem), in no Qt log message, and in no text the window shows.
#include <QDirIterator>
#include <QLineEdit>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/caption/CaptionSettings.h"
#include "core/caption/FakeHttpServer.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/window/MainWindow.h"
#include "ui/dialogs/SettingsDialog.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using namespace sem;
using sem::test::FakeHttpServer;
using sem::ui::MainWindow;
using sem::ui::SettingsDialog;

namespace {

const QByteArray kKey = "sk-test-MARKER-8d2f6a0c4e1b9375";
// (No raw string literal may end in `")"` here: moc 6.4 then finds no class in the file.)
const QByteArray kKeyCore = "MARKER-8d2f6a0c";  // a partial echo must not survive either

QStringList gMessages;  // every Qt log message of the test
QtMessageHandler gPrevious = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    gMessages << message;
    if (gPrevious)
        gPrevious(type, context, message);
}

bool leaks(const QString& text)
{
    return text.contains(QLatin1String(kKeyCore));
}

}  // namespace

class TestApiKeyLeakGui : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_imagePath;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_apikeyleakgui");
        // Every QSettings file (the app's and the caption settings') in the private folder.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("config"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::SystemScope, m_dir.filePath("system"));
        QSettings().clear();
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + m_dir.filePath("no-bus").toLocal8Bit());
        qputenv("OPENAI_API_KEY", kKey);
        gPrevious = qInstallMessageHandler(recordMessage);
        m_imagePath = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), devbench::syntheticPhoto(160, 120, 5)));
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(gPrevious);
        qunsetenv("OPENAI_API_KEY");
    }

    void keyIsNowhere()
    {
        FakeHttpServer server;
        CaptionSettings s;
        s.baseUrl = server.baseUrl();
        s.model = "fake-vision";
        s.maxRetries = 0;
        s.timeoutSeconds = 10;
        s.save();
        server.enqueue(FakeHttpServer::response(401, R"({"error":{"message":"Incorrect API key provided: )" + kKey
                                                          + R"(","code":"invalid_api_key"}})"));
        server.enqueue(FakeHttpServer::response(500, R"({"error":{"message":"internal error for )" + kKey + R"("}})"));
        server.enqueue(FakeHttpServer::response(200, "{\"choices\":[{\"message\":{\"content\":\"" + kKey));
        server.enqueue(FakeHttpServer::response(200, FakeHttpServer::completion(R"("A striped ball on a floor.")")));

        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_imagePath));
        QStringList shown;  // every text the window showed for a failure
        for (int i = 0; i < 3; ++i) {
            QSignalSpy failed(&w, &MainWindow::captionFailed);
            QVERIFY2(w.generateCaption(), qPrintable(w.lastError()));
            QVERIFY(failed.wait(15000));
            shown << failed.first().first().toString() << w.captionPanel()->generateStatusText()
                  << w.statusBar()->currentMessage() << w.windowTitle() << w.lastError();
        }
        QSignalSpy generated(&w, &MainWindow::captionGenerated);
        QVERIFY2(w.generateCaption(), qPrintable(w.lastError()));
        QVERIFY(generated.wait(15000));
        QCOMPARE(w.captionPanel()->text(), QString("A striped ball on a floor."));
        QCOMPARE(server.requests().size(), 4);
        for (const auto& request : server.requests())  // the marker was in play
            QCOMPARE(request.headers.value("authorization"), "Bearer " + kKey);

        w.saveAutosaveNow();
        QVERIFY(MainWindow::hasAutosave());
        QTRY_VERIFY(!w.isBusy());
        QVERIFY2(w.saveSem(m_dir.filePath("saved.sem")), qPrintable(w.lastError()));

        {
            SettingsDialog d;  // the keychain is unreachable: the key must not go anywhere else
            d.apiKeyEdit()->setText(QString::fromLatin1(kKey));
            QVERIFY(!d.apply());
            shown << d.errorText();
        }
        QSettings().sync();

        for (const QString& text : shown)
            QVERIFY2(!leaks(text), qPrintable(text));
        for (const QString& message : gMessages)
            QVERIFY2(!leaks(message), qPrintable(message));
        int files = 0;
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            QVERIFY2(!f.readAll().contains(kKeyCore), qPrintable(path));
            ++files;
        }
        QVERIFY(files >= 4);  // the image, the app's settings (with the autosave), the caption settings, the .sem
        QVERIFY(QFile::exists(QSettings().fileName()));
        QVERIFY(QSettings().fileName().startsWith(m_dir.path()));
    }
};

QTEST_MAIN(TestApiKeyLeakGui)
#include "tst_apikeyleakgui.moc"

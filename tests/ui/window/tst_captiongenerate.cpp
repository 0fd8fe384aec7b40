// Caption Generate / Regenerate / Cancel in the main window against a scripted HTTP server
// (tests/core/caption/FakeHttpServer): errors appear in the caption panel, typed text is never
// lost, a success replaces the text as one undoable edit.
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/caption/CaptionSettings.h"
#include "core/caption/FakeHttpServer.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/window/MainWindow.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using namespace sem;
using sem::test::FakeHttpServer;
using sem::ui::MainWindow;

class TestCaptionGenerate : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_imagePath;

    void pointAt(const FakeHttpServer& server, int timeoutSeconds = 10)
    {
        CaptionSettings s;
        s.baseUrl = server.baseUrl();
        s.model = "fake-vision";
        s.maxRetries = 0;
        s.timeoutSeconds = timeoutSeconds;
        s.save();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_captiongenerate");
        QSettings().clear();
        qputenv("OPENAI_API_KEY", "sk-test-key");  // never ask a keychain in a test
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), devbench::syntheticPhoto(160, 120, 3)));
    }

    void failureShowsErrorAndKeepsTypedText()
    {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(
            401, R"({"error":{"message":"Incorrect API key provided.","code":"invalid_api_key"}})"));
        pointAt(server);
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_imagePath));
        QVERIFY(w.captionPanel()->generateButton()->isEnabled());
        QCOMPARE(w.captionPanel()->generateButton()->text(), QString("Generate"));
        QTest::keyClicks(w.captionPanel()->editor(), "my own words");
        QCOMPARE(w.captionPanel()->generateButton()->text(), QString("Regenerate"));
        QSignalSpy failed(&w, &MainWindow::captionFailed);
        w.captionPanel()->generateButton()->click();
        QVERIFY(w.isCaptioning());
        QVERIFY(!w.captionPanel()->generateButton()->isEnabled());
        QVERIFY(w.captionPanel()->cancelButton()->isEnabled());
        QVERIFY(failed.wait(15000));
        QCOMPARE(w.captionPanel()->text(), QString("my own words"));
        QVERIFY2(w.captionPanel()->generateStatusText().startsWith("caption:"),
                 qPrintable(w.captionPanel()->generateStatusText()));
        QVERIFY(w.captionPanel()->generateStatusText().contains("401")
                || w.captionPanel()->generateStatusText().contains("key", Qt::CaseInsensitive));
        QVERIFY(w.captionPanel()->generateButton()->isEnabled());
        QCOMPARE(server.requests().size(), 1);
        QCOMPARE(server.requests().first().headers.value("authorization"), QByteArray("Bearer sk-test-key"));
    }

    void successReplacesTextAndUndoBringsItBack()
    {
        FakeHttpServer server;
        server.enqueue(FakeHttpServer::response(200, FakeHttpServer::completion(R"("A striped ball on a blue floor.")")));
        pointAt(server);
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_imagePath));
        QTest::keyClicks(w.captionPanel()->editor(), "typed first");
        QSignalSpy generated(&w, &MainWindow::captionGenerated);
        QVERIFY2(w.generateCaption(), qPrintable(w.lastError()));
        QVERIFY(generated.wait(15000));
        QCOMPARE(w.captionPanel()->text(), QString("A striped ball on a blue floor."));
        QVERIFY(w.captionPanel()->coded()->size() > 0);
        QCOMPARE(w.currentFile().caption->size(), w.captionPanel()->coded()->size());
        QVERIFY(w.isWindowModified());
        w.captionPanel()->editor()->undo();
        QCOMPARE(w.captionPanel()->text(), QString("typed first"));
        w.captionPanel()->editor()->redo();
        QCOMPARE(w.captionPanel()->text(), QString("A striped ball on a blue floor."));
    }

    void cancelKeepsTheText()
    {
        FakeHttpServer server;
        server.enqueue(sem::test::ScriptedResponse{
            FakeHttpServer::response(200, FakeHttpServer::completion(R"("too late")")), 5000, 0, false});
        pointAt(server);
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_imagePath));
        QTest::keyClicks(w.captionPanel()->editor(), "keep me");
        QSignalSpy failed(&w, &MainWindow::captionFailed);
        QVERIFY(w.generateCaption());
        QTRY_COMPARE(server.requests().size(), 1);
        w.captionPanel()->cancelButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
        QCOMPARE(w.captionPanel()->text(), QString("keep me"));
        QVERIFY(w.captionPanel()->generateStatusText().startsWith("Cancelled"));
        QVERIFY(!w.isCaptioning());
    }

    void noImageNoGenerate()
    {
        MainWindow w;
        QVERIFY(!w.captionPanel()->generateButton()->isEnabled());
        QVERIFY(!w.generateCaption());
        QVERIFY(w.lastError().contains("source image"));
    }
};

QTEST_MAIN(TestCaptionGenerate)
#include "tst_captiongenerate.moc"

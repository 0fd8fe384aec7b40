// `semcompress` scripted runs (--screenshot, --fit-bpp) leave the user's settings alone.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

class TestSemcompressApp : public QObject {
    Q_OBJECT
private slots:
    void scriptedScreenshotKeepsOutOfTheUserSettings()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        cv::Mat image(96, 128, CV_8UC3, cv::Scalar(40, 120, 200));
        cv::rectangle(image, {20, 20, 60, 40}, cv::Scalar(250, 250, 250), cv::FILLED);
        const QString png = home.filePath("photo.png"), shot = home.filePath("shot.png");
        QVERIFY(cv::imwrite(png.toStdString(), image));

        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", home.path());
        env.remove("XDG_CONFIG_HOME");
        env.insert("QT_QPA_PLATFORM", "offscreen");
        app.setProcessEnvironment(env);
        app.start(SEMCOMPRESS_BINARY, {png, "--screenshot", shot, "--fit-bpp", "0.5"});
        QVERIFY(app.waitForFinished(90000));
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
        QVERIFY(QFileInfo(shot).size() > 0);
        // Opening the image would add it to the recent files of ~/.config/SemCompress; a scripted run
        // writes to Qt's test location instead.
        QVERIFY(!QFileInfo::exists(home.filePath(".config/SemCompress/SemCompress.conf")));

        app.start(SEMCOMPRESS_BINARY, {png, "--screenshot", shot, "--fit-bpp", "abc"});
        QVERIFY(app.waitForFinished(90000));
        QCOMPARE(app.exitCode(), 2);
        QVERIFY(QString::fromUtf8(app.readAllStandardError()).contains("--fit-bpp"));
    }
};

QTEST_GUILESS_MAIN(TestSemcompressApp)
#include "tst_semcompressapp.moc"

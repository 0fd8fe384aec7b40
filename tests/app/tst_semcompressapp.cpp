// `semcompress` scripted runs (--screenshot, --fit-bpp) leave the user's settings alone.
#include <QDir>
#include <QImage>
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
    // The screenshot script's options (scripts/screenshots.sh): --view shows one layer or a split,
    // a compare view waits for its search; --wheel over unfocused boxes changes nothing and says so;
    // --palette writes an 8-bit PNG; bad values exit 2 naming the option.
    void screenshotViewWheelAndPalette()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        cv::Mat image(96, 128, CV_8UC3, cv::Scalar(40, 120, 200));
        cv::circle(image, {64, 48}, 30, cv::Scalar(250, 250, 250), cv::FILLED);
        const QString png = home.filePath("photo.png"), shot = home.filePath("shot.png");
        QVERIFY(cv::imwrite(png.toStdString(), image));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", home.path());
        env.insert("QT_QPA_PLATFORM", "offscreen");
        QProcess app;
        app.setProcessEnvironment(env);
        app.start(SEMCOMPRESS_BINARY, {png, "--screenshot", shot, "--view", "original,webp-downscale", "--wheel", "3",
                                       "--palette", "--hint", "16"});
        QVERIFY(app.waitForFinished(120000));
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
        const QString out = QString::fromUtf8(app.readAllStandardOutput());
        QVERIFY2(out.contains("--wheel: Colour hint '1/16' -> '1/16' after 3 notches"), qPrintable(out));
        QVERIFY2(out.contains("--wheel: Sampler '"), qPrintable(out));
        const QImage grabbed(shot);
        QVERIFY(!grabbed.isNull());
        QCOMPARE(grabbed.format(), QImage::Format_Indexed8);
        for (const auto& [option, value] : {std::pair<QString, QString>{"--view", "sideways"},
                                            {"--view", "original,edges,hint"}, {"--wheel", "many"}}) {
            app.start(SEMCOMPRESS_BINARY, {png, "--screenshot", shot, option, value});
            QVERIFY(app.waitForFinished(90000));
            QCOMPARE(app.exitCode(), 2);
            QVERIFY(QString::fromUtf8(app.readAllStandardError()).contains(option));
        }
    }
    // --variations N decodes N seeds; --grid-shot grabs their grid (scripts/screenshots.sh); bad
    // counts exit 2 naming the option, a grid shot without variations exits 1 saying why.
    void screenshotOfTheVariationsGrid()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        cv::Mat image(96, 128, CV_8UC3, cv::Scalar(60, 140, 90));
        cv::rectangle(image, {20, 20, 50, 40}, cv::Scalar(230, 40, 40), cv::FILLED);
        const QString png = home.filePath("photo.png"), shot = home.filePath("shot.png"),
                      grid = home.filePath("grid.png");
        QVERIFY(cv::imwrite(png.toStdString(), image));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", home.path());
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("SEMCOMPRESS_MODEL", SEM_SOURCE_DIR "/models/default");
        QProcess app;
        app.setProcessEnvironment(env);
        app.start(SEMCOMPRESS_BINARY, {png, "--screenshot", shot, "--decode", "--steps", "2", "--variations", "2",
                                       "--grid-shot", grid});
        QVERIFY(app.waitForFinished(300000));
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
        const QImage grabbed(grid);
        QVERIFY2(!grabbed.isNull(), "no grid.png");
        QVERIFY(grabbed.width() > 2 * 64);  // two thumbnails side by side
        QVERIFY(!QImage(shot).isNull());
        for (const QString& bad : {QStringLiteral("0"), QStringLiteral("10"), QStringLiteral("two")}) {
            app.start(SEMCOMPRESS_BINARY, {png, "--screenshot", shot, "--variations", bad});
            QVERIFY(app.waitForFinished(90000));
            QCOMPARE(app.exitCode(), 2);
            QVERIFY(QString::fromUtf8(app.readAllStandardError()).contains("--variations"));
        }
        app.start(SEMCOMPRESS_BINARY, {png, "--screenshot", shot, "--decode", "--variations", "1", "--grid-shot", grid});
        QVERIFY(app.waitForFinished(90000));
        QCOMPARE(app.exitCode(), 2);
        QVERIFY(QString::fromUtf8(app.readAllStandardError()).contains("--grid-shot: needs --decode and --variations"));
    }
    // --help and --version print and exit 0 without a display: no QApplication (which aborts with
    // "could not connect to display") is made for them.
    void helpAndVersionNeedNoDisplay_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << "--help" << "--screenshot <png>";
        QTest::newRow("-h") << "-h" << "SemCompress: semantic image compression";
        QTest::newRow("--version") << "--version" << "SemCompress 0.";
        QTest::newRow("-v after a file") << "-v" << "SemCompress 0.";
    }
    void helpAndVersionNeedNoDisplay()
    {
        QFETCH(QString, option);
        QFETCH(QString, expected);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORMTHEME"})
            env.remove(name);
        QProcess app;
        app.setProcessEnvironment(env);
        QStringList args{option};
        if (option == "-v")
            args.prepend("photo.png");
        app.start(SEMCOMPRESS_BINARY, args);
        QVERIFY(app.waitForFinished(30000));
        const QString out = QString::fromUtf8(app.readAllStandardOutput());
        const QString err = QString::fromUtf8(app.readAllStandardError());
        QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, qPrintable(err));
        QVERIFY2(out.contains(expected), qPrintable(out + err));
        // The benches are a developer tool (tools/semcompress-devbench), not the shipped program's.
        QVERIFY2(!out.contains("bench") && !out.contains("random-model"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestSemcompressApp)
#include "tst_semcompressapp.moc"

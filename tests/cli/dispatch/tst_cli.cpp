// Drives the `semc` subcommands in-process, the way a user runs them, and checks exit codes,
// outputs and that bad input gives exit code 1 with a one-line message.
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "cli/CliRun.h"
#include "cli/Command.h"
#include "core/common/AtomicFile.h"
#include "core/metrics/Niqe.h"

using sem::cli::test::Run;
using sem::cli::test::semc;

namespace {


// A photo-like synthetic scene: smooth background, shapes with edges, a little texture.
cv::Mat scene(int w, int h)
{
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(80 + x * 100 / w), uchar(120 + y * 80 / h), uchar(160));
    cv::rectangle(m, {w / 8, h / 6, w / 3, h / 2}, cv::Scalar(20, 40, 200), cv::FILLED);
    cv::circle(m, {w * 2 / 3, h / 2}, h / 4, cv::Scalar(230, 230, 30), cv::FILLED);
    cv::line(m, {0, h - 10}, {w - 1, h / 3}, cv::Scalar(0, 0, 0), 3);
    cv::Mat noise(h, w, CV_8UC3);
    cv::randu(noise, 0, 12);
    m += noise;
    return m;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString image, sem;

    QString path(const QString& name) const { return dir.filePath(name); }

private slots:
    void initTestCase()
    {
        image = path("scene.png");
        sem = path("scene.sem");
        QVERIFY(cv::imwrite(image.toStdString(), scene(192, 128)));
    }

    void versionAndHelp()
    {
        Run r = semc({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(QString::fromStdString(r.out).contains(QRegularExpression("^semc \\d+\\.\\d+\\.\\d+ \\(git ")));
        r = semc({"--help"});
        QCOMPARE(r.code, 0);
        for (const char* c : {"encode", "info", "edges", "baseline", "rd", "niqe", "bench"})
            QVERIFY2(QString::fromStdString(r.out).contains(c), c);
        for (const char* c : {"encode", "info", "edges", "baseline", "rd", "niqe", "bench"}) {
            r = semc({c, "--help"});
            QCOMPARE(r.code, 0);
            QVERIFY(QString::fromStdString(r.out).contains("Usage: semc"));
        }
        r = semc({"frobnicate"});
        QCOMPARE(r.code, 1);
        QVERIFY(QString::fromStdString(r.err).contains("unknown command 'frobnicate'"));
    }

    void encodeThenInfo()
    {
        Run r = semc({"encode", image, "-o", sem, "--hint", "16", "--low", "80", "--caption", "a red box and a yellow disc",
                      "--json"});
        QCOMPARE(r.code, 0);
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["width"].get<int>(), 192);
        QCOMPARE(j["height"].get<int>(), 128);
        const auto bytes = j["bytes"].get<std::size_t>();
        QCOMPARE(bytes, std::size_t(QFileInfo(sem).size()));
        QCOMPARE(j["bpp"].get<double>(), bytes * 8.0 / (192 * 128));
        std::size_t sum = 0;
        for (const char* c : {"container", "edges", "caption", "hint", "metadata", "other"})
            sum += j["chunks"][c]["bytes"].get<std::size_t>();
        QCOMPARE(sum, bytes);
        QVERIFY(j["chunks"]["edges"]["bytes"].get<int>() > 0);
        QVERIFY(j["chunks"]["hint"]["bytes"].get<int>() > 0);

        r = semc({"info", sem, "--json"});
        QCOMPARE(r.code, 0);
        const auto info = nlohmann::json::parse(r.out);
        QCOMPARE(info["caption"].get<std::string>(), std::string("a red box and a yellow disc"));
        QCOMPARE(info["bytes"].get<std::size_t>(), bytes);
        QCOMPARE(info["edges"]["width"].get<int>(), 48);  // 192 / 4
        QCOMPARE(info["metadata"]["canny"]["low"].get<double>(), 80.0);

        r = semc({"info", sem});
        QCOMPARE(r.code, 0);
        QVERIFY(QString::fromStdString(r.out).contains("caption    \"a red box and a yellow disc\""));
    }

    void stripMetadataMakesItSmaller()
    {
        QCOMPARE(semc({"encode", image, "-o", path("a.sem"), "--scale", "0.25"}).code, 0);
        QCOMPARE(semc({"encode", image, "-o", path("b.sem"), "--scale", "0.25", "--strip-metadata"}).code, 0);
        QVERIFY(QFileInfo(path("b.sem")).size() < QFileInfo(path("a.sem")).size());
        const auto j = nlohmann::json::parse(semc({"info", path("b.sem"), "--json"}).out);
        QCOMPARE(j["chunks"]["metadata"]["bytes"].get<int>(), 0);
    }

    void targetBppPicksTheBestFittingPoint()
    {
        const QString photo = SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg";
        const cv::Mat m = cv::imread(photo.toStdString());
        const double pixels = static_cast<double>(m.cols) * m.rows;
        Run r = semc({"encode", photo, "-o", path("t.sem"), "--target-bpp", "0.02", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto j = nlohmann::json::parse(r.out);
        QVERIFY(QFileInfo(path("t.sem")).size() <= static_cast<qint64>(0.02 * pixels / 8.0));
        QVERIFY(j["operating_point"]["rung"].get<int>() >= 1);
        QVERIFY(!j["operating_point"]["point"].get<std::string>().empty());
        r = semc({"encode", photo, "-o", path("b.sem"), "--max-bytes", "600"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(QFileInfo(path("b.sem")).size() <= 600);
        QVERIFY(QString::fromStdString(r.out).contains("operating point "));
        r = semc({"encode", photo, "-o", path("never.sem"), "--max-bytes", "30"});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("smallest file is"), r.err.c_str());
        QVERIFY(!QFileInfo::exists(path("never.sem")));
    }

    // Without rate options encode uses the default target (RateBudget::kDefaultTargetBpp) through the
    // built-in model's ladder, hint included; explicit edge or hint options give the old settings.
    void noRateOptionsUseTheDefaultTarget()
    {
        const QString photo = SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg";
        const cv::Mat m = cv::imread(photo.toStdString());
        const double pixels = static_cast<double>(m.cols) * m.rows;
        Run r = semc({"encode", photo, "-o", path("default.sem"), "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["operating_point"]["budget_from"].get<std::string>(), std::string("default"));
        const qint64 size = QFileInfo(path("default.sem")).size();
        QVERIFY(size <= static_cast<qint64>(0.03 * pixels / 8.0));
        QVERIFY(size >= static_cast<qint64>(0.9 * 0.03 * pixels / 8.0));  // within 10 % under the target
        QVERIFY(j["chunks"]["hint"]["bytes"].get<int>() > 0);
        r = semc({"encode", photo, "-o", path("default.sem")});
        QVERIFY2(r.out.find("no rate option given: the default target of 0.03 bpp") != std::string::npos, r.out.c_str());
        // The old sketch, by asking for it: edges at 1/4, no hint.
        r = semc({"encode", photo, "-o", path("sketch.sem"), "--scale", "0.25", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        j = nlohmann::json::parse(r.out);
        QVERIFY(!j.contains("operating_point"));
        QCOMPARE(j["chunks"]["hint"]["bytes"].get<int>(), 0);
    }

    // --target-bpp with --model uses that model's ladder (its ladder.json), says which; a model without
    // one falls back to the built-in model's and says so; a bad ladder file is a one-line error.
    void targetBppUsesTheModelsLadder()
    {
        const QString photo = SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg";
        QVERIFY(QDir().mkpath(path("mymodel")) && QDir().mkpath(path("nomodel")) && QDir().mkpath(path("badmodel")));
        {
            std::ofstream f(path("mymodel/ladder.json").toStdString());
            f << R"({"format": "semcompress-ladder", "formatVersion": 1, "model_id": "00000000feedbeef",
                    "rungs": [{"point": "2:32:300", "bpp": 0.01, "psnr": 15.0},
                              {"point": "4:16", "bpp": 0.05, "psnr": 16.0}]})";
        }
        Run r = semc({"encode", photo, "-o", path("own.sem"), "--model", path("mymodel"), "--target-bpp", "0.5", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto p = nlohmann::json::parse(r.out)["operating_point"];
        QCOMPARE(p["of"].get<int>(), 2);
        QCOMPARE(p["rung"].get<int>(), 2);
        QCOMPARE(p["rung_point"].get<std::string>(), std::string("4:16"));
        QCOMPARE(p["edge_scale"].get<int>(), 4);
        QCOMPARE(p["ladder"].get<std::string>(), path("mymodel/ladder.json").toStdString());
        QCOMPARE(p["ladder_model_id"].get<std::string>(), std::string("00000000feedbeef"));
        QVERIFY(!p["ladder_fallback"].get<bool>());
        r = semc({"encode", photo, "-o", path("own.sem"), "--model", path("mymodel"), "--target-bpp", "0.5"});
        QVERIFY2(r.out.find("ladder: " + path("mymodel/ladder.json").toStdString()) != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("operating point 2 of 2") != std::string::npos, r.out.c_str());
        // No ladder: the built-in model's, said.
        r = semc({"encode", photo, "-o", path("fallback.sem"), "--model", path("nomodel"), "--target-bpp", "0.02"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY2(r.out.find("no ladder measured for this model; using the built-in model's") != std::string::npos,
                 r.out.c_str());
        // A bad ladder: exit 1 naming the file and the problem; nothing written.
        {
            std::ofstream f(path("badmodel/ladder.json").toStdString());
            f << R"({"format": "semcompress-ladder", "formatVersion": 1, "rungs": []})";
        }
        r = semc({"encode", photo, "-o", path("never2.sem"), "--model", path("badmodel"), "--target-bpp", "0.02"});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains(path("badmodel/ladder.json")) &&
                     QString::fromStdString(r.err).contains("\"rungs\" is empty"), r.err.c_str());
        QVERIFY(!QFileInfo::exists(path("never2.sem")));
    }

    void edgeOptionsChangeTheRate()
    {
        auto bytesFor = [&](QStringList extra) {
            extra.prepend(image);
            extra.prepend("edges");
            extra << "-o" << path("e.png") << "--json";
            Run r = semc(extra);
            if (r.code != 0)
                qWarning() << r.err.c_str();
            return nlohmann::json::parse(r.out)["bytes"].get<int>();
        };
        const int quarter = bytesFor({});
        const int full = bytesFor({"--scale", "1"});
        QVERIFY2(full > quarter, qPrintable(QString("%1 vs %2").arg(full).arg(quarter)));
        QVERIFY(bytesFor({"--scale", "1", "--low", "400", "--high", "800"}) <= full);
        const cv::Mat e = cv::imread(path("e.png").toStdString());
        QCOMPARE(e.cols, 192);
        QVERIFY(bytesFor({"--rgb", "--scale", "1"}) > 0);
        QVERIFY(bytesFor({"--auto"}) > 0);
    }

    void badOptionsAreOneLineErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("scale") << QStringList{"encode", "IMG", "-o", "OUT", "--scale", "0.3"} << "--scale";
        QTest::newRow("low") << QStringList{"encode", "IMG", "-o", "OUT", "--low", "abc"} << "--low";
        QTest::newRow("hint") << QStringList{"encode", "IMG", "-o", "OUT", "--hint", "12"} << "hint";
        QTest::newRow("no output") << QStringList{"encode", "IMG"} << "missing -o";
        QTest::newRow("target and scale") << QStringList{"encode", "IMG", "-o", "OUT", "--target-bpp", "0.02", "--scale", "1"}
                                          << "leave out --scale";
        QTest::newRow("two targets") << QStringList{"encode", "IMG", "-o", "OUT", "--target-bpp", "0.02", "--max-bytes", "9"}
                                     << "exclude each other";
        QTest::newRow("target bpp") << QStringList{"encode", "IMG", "-o", "OUT", "--target-bpp", "0"} << "--target-bpp";
        QTest::newRow("no input") << QStringList{"encode", "-o", "OUT"} << "expected one input image";
        QTest::newRow("unknown option") << QStringList{"info", "--frob", "x"} << "frob";
        QTest::newRow("codec") << QStringList{"baseline", "IMG", "--codec", "gif", "--bpp", "0.1", "-o", "OUT"}
                               << "unknown codec 'gif'";
        QTest::newRow("bpp") << QStringList{"baseline", "IMG", "--codec", "webp", "--bpp", "-1", "-o", "OUT"}
                             << "--bpp";
        QTest::newRow("niqe without images") << QStringList{"niqe", "--json"} << "give one or more images";
        QTest::newRow("niqe missing file") << QStringList{"niqe", "/no/such.png"} << "/no/such.png";
        QTest::newRow("missing file") << QStringList{"encode", "/no/such.png", "-o", "OUT"} << "/no/such.png";
    }
    void badOptionsAreOneLineErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        args.replaceInStrings("IMG", image);
        args.replaceInStrings("OUT", path("never.sem"));
        const Run r = semc(args);
        QCOMPARE(r.code, 1);
        const QString err = QString::fromStdString(r.err);
        QVERIFY2(err.contains(message), qPrintable(err));
        QCOMPARE(err.count('\n'), 1);
        QVERIFY(!QFile::exists(path("never.sem")));
    }

    void trainingMixOptionsAreChecked()
    {
        if (semc({"train", "--help"}).code != 0)
            QSKIP("built without the diffusion engine (no train command)");
        for (const QStringList& bad : {QStringList{"--edge-scale-weights", "1,2"},
                                       QStringList{"--edge-scale-weights", "1,2,3,x"},
                                       QStringList{"--edge-scale-weights", "0,0,0,0"},
                                       QStringList{"--hint-weights", "1,1,1,1,-1"},
                                       QStringList{"--hint-weights", "1,1,1,1,1,1"}}) {
            const Run r = semc(QStringList{"train", "--out", path("no-run")} + bad);
            QCOMPARE(r.code, 1);
            const QString err = QString::fromStdString(r.err);
            QVERIFY2(err.contains(bad[0]) && err.count('\n') == 1, qPrintable(err));
            QVERIFY(!QFile::exists(path("no-run")));
        }
    }

    void notAnImage()
    {
        QFile f(path("notes.png"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is text, not a picture");
        f.close();
        const Run r = semc({"encode", path("notes.png"), "-o", path("never.sem")});
        QCOMPARE(r.code, 1);
        QVERIFY(QString::fromStdString(r.err).contains("not a PNG, JPEG, WebP, TIFF or BMP"));
        QVERIFY(!QFile::exists(path("never.sem")));
    }

    void nonUtf8CaptionRefused()
    {
        QFile f(path("cap.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("caf\xe9 au lait");  // Latin-1, not UTF-8
        f.close();
        const Run r = semc({"encode", image, "-o", path("never.sem"), "--caption-file", path("cap.txt")});
        QCOMPARE(r.code, 1);
        QVERIFY(QString::fromStdString(r.err).contains("UTF-8"));
    }

    void everyPrefixOfASemFileIsExitCode1()
    {
        QCOMPARE(semc({"encode", image, "-o", sem, "--hint", "32", "--caption", "x"}).code, 0);
        const auto bytes = sem::readFile(sem.toStdString(), 1 << 20);
        const QString cut = path("cut.sem");
        for (std::size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : 7)) {
            sem::writeFileAtomic(cut.toStdString(), std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + long(n)));
            const Run r = semc({"info", cut});
            QVERIFY2(r.code == 1, qPrintable(QString("prefix %1").arg(n)));
            QVERIFY(!r.err.empty());
        }
        std::mt19937 rng(3);
        for (int i = 0; i < 200; ++i) {
            auto c = bytes;
            c[rng() % c.size()] ^= std::uint8_t(1 + rng() % 255);
            sem::writeFileAtomic(cut.toStdString(), c);
            QCOMPARE(semc({"info", cut}).code, 1);
        }
    }

    void baselineHitsTheTarget()
    {
        const Run r = semc({"baseline", image, "--codec", "webp-downscale", "--bpp", "0.1", "-o", path("b.png"),
                            "--json"});
        QCOMPARE(r.code, 0);
        const auto j = nlohmann::json::parse(r.out);
        QVERIFY(j["bpp"].get<double>() <= 0.1);
        QVERIFY(j["psnr"].get<double>() > 15);
        for (const char* k : {"bytes", "bpp", "psnr", "ssim", "ms_ssim", "niqe", "width", "height"})
            QVERIFY2(j.contains(k), k);
        QCOMPARE(cv::imread(path("b.png").toStdString()).cols, 192);
        // NIQE is the decode's own: the same as semc niqe of the written PNG.
        const auto n = nlohmann::json::parse(semc({"niqe", path("b.png"), "--json"}).out);
        QCOMPARE(j["niqe"].get<double>(), n["images"][0]["niqe"].get<double>());
    }

    void rdListsEveryBaseline()
    {
        const Run r = semc({"rd", image, "--json"});
        QCOMPARE(r.code, 0);
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["baselines"].size(), std::size_t(5));
        QVERIFY(j["niqe"].is_number());  // the original's
        for (const auto& b : j["baselines"])
            for (const auto& p : b["points"])
                QVERIFY(!p["reached"].get<bool>() || p.contains("niqe"));
        QVERIFY(semc({"rd", image}).out.find("MS-SSIM  NIQE") != std::string::npos);
        QVERIFY(j["semantic"].size() >= 4);
        for (const auto& p : j["semantic"])
            QVERIFY(p["bpp"].get<double>() > 0);
    }

    // semc niqe: the core's score (core/metrics/Niqe.h, checked against BasicSR in tst_niqe), gray
    // images scored on their values, n/a for a flat image, a one-line error for a small one.
    void niqeScoresImages()
    {
        Run r = semc({"niqe", image});
        QCOMPARE(r.code, 0);
        QVERIFY(QString::fromStdString(r.out).contains(QRegularExpression("scene\\.png  NIQE \\d+\\.\\d{4}\n$")));
        cv::Mat gray;
        cv::cvtColor(scene(192, 128), gray, cv::COLOR_BGR2GRAY);
        QVERIFY(cv::imwrite(path("gray.png").toStdString(), gray));
        QVERIFY(cv::imwrite(path("flat.png").toStdString(), cv::Mat(128, 192, CV_8UC3, cv::Scalar(9, 99, 199))));
        r = semc({"niqe", image, path("gray.png"), path("flat.png"), "--json"});
        QCOMPARE(r.code, 0);
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["images"].size(), std::size_t(3));
        QCOMPARE(j["images"][1]["niqe"].get<double>(), sem::metrics::niqe(gray));
        QVERIFY(j["images"][2]["niqe"].is_null());
        const double mean = (j["images"][0]["niqe"].get<double>() + j["images"][1]["niqe"].get<double>()) / 2;
        QVERIFY(std::abs(j["mean_niqe"].get<double>() - mean) < 1e-12);
        QVERIFY(semc({"niqe", path("flat.png")}).out.find("NIQE n/a") != std::string::npos);
        QVERIFY(cv::imwrite(path("small.png").toStdString(), scene(150, 150)));
        r = semc({"niqe", image, path("small.png")});
        QCOMPARE(r.code, 1);
        const QString err = QString::fromStdString(r.err);
        QVERIFY2(err.contains("small.png") && err.contains("two 96x96 blocks") && err.count('\n') == 1, qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"

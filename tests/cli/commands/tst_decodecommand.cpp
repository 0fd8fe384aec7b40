// `semc decode`, `roundtrip` and `generate` end to end with a tiny random model made in the test,
// including Ctrl-C on the real binary: exit code 130 and no output file.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "cli/CliRun.h"
#include "cli/Command.h"
#include "diffusion/builtin/BuiltinEngine.h"

#ifndef Q_OS_WIN
#include <csignal>
#include <sys/types.h>
#endif

using sem::cli::test::Run;
using sem::cli::test::semc;

class TestDecodeCommand : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString model, image, sem;

    QString path(const QString& n) const { return dir.filePath(n); }

private slots:
    void initTestCase()
    {
        sem::diffusion::ModelCard card;
        card.config = sem::diffusion::tinyModelConfig();
        card.vocabulary = {"a", "red", "box"};
        sem::diffusion::BuiltinEngine engine;
        engine.createRandom(card, 1, "cpu");
        model = path("model");
        engine.save(model.toStdString());
        cv::Mat img(40, 56, CV_8UC3, cv::Scalar(200, 200, 200));
        cv::rectangle(img, {10, 8, 20, 20}, cv::Scalar(10, 10, 200), cv::FILLED);
        image = path("in.png");
        sem = path("in.sem");
        QVERIFY(cv::imwrite(image.toStdString(), img));
        QCOMPARE(semc({"encode", image, "-o", sem, "--caption", "a red box", "--hint", "8"}).code, 0);
    }
    void decodeWritesTheImage()
    {
        const Run r = semc({"decode", sem, "-o", path("out.png"), "--model", model, "--device", "cpu", "--steps", "3",
                            "--strength", "1", "--preview-dir", path("previews"), "--preview-every", "2", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["width"].get<int>(), 56);
        QCOMPARE(j["settings"]["steps"].get<int>(), 3);
        QCOMPARE(j["device"].get<std::string>(), std::string("cpu"));
        const cv::Mat out = cv::imread(path("out.png").toStdString());
        QCOMPARE(out.cols, 56);
        QCOMPARE(out.rows, 40);
        // The first step (previews from the first evaluation), step 2 and step 3.
        QCOMPARE(QDir(path("previews")).entryList({"step_*.png"}),
                 (QStringList{"step_0001.png", "step_0002.png", "step_0003.png"}));
    }
    // --strength: the fidelity decode (step 1), then round(strength * steps) steps; recorded in the
    // settings; out of (0, 1] is a one-line error.
    void strengthStartsFromTheFidelityDecode()
    {
        const Run r = semc({"decode", sem, "-o", path("strength.png"), "--model", model, "--device", "cpu", "--steps",
                            "4", "--strength", "0.5", "--preview-dir", path("strength-previews"), "--preview-every",
                            "1", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(nlohmann::json::parse(r.out)["settings"]["strength"].get<double>(), 0.5);
        QCOMPARE(QDir(path("strength-previews")).entryList({"step_*.png"}).size(), 3);
        for (const char* bad : {"0", "1.5", "half"}) {
            const Run e = semc({"decode", sem, "-o", path("never.png"), "--model", model, "--strength", bad});
            QCOMPARE(e.code, 1);
            QVERIFY2(QString::fromStdString(e.err).contains("--strength"), e.err.c_str());
        }
        QVERIFY(!QFile::exists(path("never.png")));
    }
    void sameCommandSamePixels()
    {
        for (const char* name : {"a.png", "b.png"})
            QCOMPARE(semc({"decode", sem, "-o", path(name), "--model", model, "--device", "cpu", "--steps", "2",
                           "--seed", "5"})
                         .code,
                     0);
        const cv::Mat a = cv::imread(path("a.png").toStdString()), b = cv::imread(path("b.png").toStdString());
        QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
    }
    void roundtripReportsMetrics()
    {
        const Run r = semc({"roundtrip", image, "-o", path("rt.png"), "--model", model, "--device", "cpu",
                            "--fidelity", "--hint", "8", "--sem", path("rt.sem"), "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto j = nlohmann::json::parse(r.out);
        for (const char* k : {"bytes", "bpp", "psnr", "ssim", "ms_ssim", "niqe", "width", "height"})
            QVERIFY2(j.contains(k), k);
        QVERIFY(j["settings"]["fidelity"].get<bool>());
        QVERIFY(j["niqe"].is_null());  // 56x40: under two 96x96 blocks, no NIQE (and no failure)
        QVERIFY(semc({"roundtrip", image, "-o", path("rt-text.png"), "--model", model, "--device", "cpu", "--fidelity"})
                    .out.find("NIQE n/a") != std::string::npos);
        // The .sem records the model and the settings, so a plain decode reproduces the pixels.
        QCOMPARE(semc({"decode", path("rt.sem"), "-o", path("rt2.png"), "--model", model, "--device", "cpu"}).code, 0);
        const cv::Mat a = cv::imread(path("rt.png").toStdString()), b = cv::imread(path("rt2.png").toStdString());
        QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
        const auto info = nlohmann::json::parse(semc({"info", path("rt.sem"), "--json"}).out);
        QVERIFY(!info["model_id"].get<std::string>().empty());
        QVERIFY(info["decode"]["fidelity"].get<bool>());
    }
    // --target-bpp / --max-bytes as encode has them: the highest rung that fits, and why.
    void roundtripPicksAnOperatingPoint()
    {
        const QString photo = SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg";
        Run r = semc({"roundtrip", photo, "-o", path("budget.png"), "--model", model, "--device", "cpu", "--fidelity",
                      "--max-bytes", "600", "--sem", path("budget.sem"), "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        auto j = nlohmann::json::parse(r.out);
        const auto& p = j["operating_point"];
        QVERIFY(QFileInfo(path("budget.sem")).size() <= 600);
        QCOMPARE(p["bytes"].get<qint64>(), QFileInfo(path("budget.sem")).size());
        QCOMPARE(j["bytes"].get<qint64>(), QFileInfo(path("budget.sem")).size());
        QCOMPARE(p["budget_bytes"].get<int>(), 600);
        QCOMPARE(p["budget_from"].get<std::string>(), std::string("max_bytes"));
        QVERIFY(p["rung"].get<int>() >= 1 && p["rung"].get<int>() <= p["of"].get<int>());
        for (const char* k : {"point", "edge_scale", "canny_low", "canny_high", "hint_factor", "hint_quality"})
            QVERIFY2(p.contains(k), k);
        // Why: the next rung (if any) would not have fitted.
        if (!p["next_rung_bytes"].is_null())
            QVERIFY(p["next_rung_bytes"].get<int>() > 600);
        // The same rung as encode chooses (the hint quality that fills the budget may differ: the
        // roundtrip's file has no metadata and a decode record).
        const auto e = nlohmann::json::parse(
            semc({"encode", photo, "-o", path("budget-enc.sem"), "--max-bytes", "600", "--json"}).out);
        QCOMPARE(e["operating_point"]["rung_point"], p["rung_point"]);
        // This tiny model has no ladder: the built-in model's, and the output says so.
        QVERIFY(p["ladder_fallback"].get<bool>());
        QVERIFY(p["ladder_note"].get<std::string>().rfind("no ladder measured for this model; using the built-in model's", 0) == 0);
        // Text: says what was chosen and why.
        r = semc({"roundtrip", photo, "-o", path("budget2.png"), "--model", model, "--device", "cpu", "--fidelity",
                  "--target-bpp", "0.02"});
        QVERIFY2(r.code == 0, r.err.c_str());
        for (const char* t : {"operating point ", "edges at 1/", "Canny ", "hint 1/", "within the budget of"})
            QVERIFY2(r.out.find(t) != std::string::npos, r.out.c_str());
        // No rate option: the default target, through the model's ladder, hint included.
        r = semc({"roundtrip", photo, "-o", path("default.png"), "--model", model, "--device", "cpu", "--fidelity",
                  "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        j = nlohmann::json::parse(r.out);
        QCOMPARE(j["operating_point"]["budget_from"].get<std::string>(), std::string("default"));
        QVERIFY(j["chunks"]["hint"].get<int>() > 0);
        QVERIFY(j["bpp"].get<double>() <= 0.03 && j["bpp"].get<double>() >= 0.027);
        // Refusals: too small a budget names the smallest file; the options exclude each other and the
        // settings they choose; nothing is written.
        r = semc({"roundtrip", photo, "-o", path("never.png"), "--model", model, "--max-bytes", "30"});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("smallest file is"), r.err.c_str());
        r = semc({"roundtrip", photo, "-o", path("never.png"), "--model", model, "--max-bytes", "600", "--hint", "8"});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("leave out --hint"), r.err.c_str());
        r = semc({"roundtrip", photo, "-o", path("never.png"), "--model", model, "--max-bytes", "600", "--target-bpp",
                  "0.02"});
        QCOMPARE(r.code, 1);
        QVERIFY(!QFile::exists(path("never.png")));
    }
    // A JSON report names only the settings the decode used: a fidelity decode has no sampler,
    // steps, guidance, eta or strength; a sampled one has them (eta with ddim only).
    void jsonReportsOnlyTheSettingsUsed()
    {
        Run r = semc({"decode", sem, "-o", path("fid.png"), "--model", model, "--device", "cpu", "--fidelity", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        auto s = nlohmann::json::parse(r.out)["settings"];
        QVERIFY(s["fidelity"].get<bool>());
        QVERIFY(s.contains("seed"));
        for (const char* k : {"sampler", "steps", "guidance", "eta", "strength"})
            QVERIFY2(!s.contains(k), (std::string(k) + " in " + s.dump()).c_str());
        r = semc({"decode", sem, "-o", path("ddim.png"), "--model", model, "--device", "cpu", "--steps", "2",
                  "--sampler", "ddim", "--eta", "0.5", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        s = nlohmann::json::parse(r.out)["settings"];
        for (const char* k : {"sampler", "steps", "guidance", "eta", "strength", "seed"})
            QVERIFY2(s.contains(k), k);
        QCOMPARE(s["eta"].get<double>(), 0.5);
        r = semc({"decode", sem, "-o", path("dpm.png"), "--model", model, "--device", "cpu", "--steps", "2", "--json"});
        s = nlohmann::json::parse(r.out)["settings"];
        QVERIFY2(!s.contains("eta"), s.dump().c_str());  // dpmpp2m has no eta
        QVERIFY(s.contains("strength"));
    }
    // --memory-limit: a decode that cannot fit is refused at once, naming the limit; nothing written.
    void memoryLimitRefusesAtOnce()
    {
        const Run r = semc({"decode", sem, "-o", path("never.png"), "--model", model, "--device", "cpu",
                            "--memory-limit", "0.1"});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("over the memory limit of 0.1 GB"), r.err.c_str());
        QVERIFY(!QFile::exists(path("never.png")));
        QCOMPARE(semc({"decode", sem, "-o", path("never.png"), "--memory-limit", "lots"}).code, 1);
        // roundtrip refuses before encoding: no .sem either.
        const Run rt = semc({"roundtrip", image, "-o", path("never.png"), "--model", model, "--sem", path("never.sem"),
                             "--memory-limit", "0.1"});
        QCOMPARE(rt.code, 1);
        QVERIFY2(QString::fromStdString(rt.err).contains("over the memory limit of 0.1 GB"), rt.err.c_str());
        QVERIFY(!QFile::exists(path("never.sem")));
    }
    void generateFromCaption()
    {
        const Run r = semc({"generate", "--caption", "a red box", "--size", "48x32", "-o", path("gen.png"), "--model",
                            model, "--device", "cpu", "--steps", "2"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(cv::imread(path("gen.png").toStdString()).cols, 48);
        QCOMPARE(semc({"generate", "--caption", "x", "--size", "big", "-o", path("g.png"), "--model", model}).code, 1);
    }
    void badInputIsExitCode1()
    {
        Run r = semc({"decode", sem, "-o", path("never.png"), "--model", path("no-such-model")});
        QCOMPARE(r.code, 1);
        r = semc({"decode", sem, "-o", path("never.png"), "--model", model, "--sampler", "heun"});
        QCOMPARE(r.code, 1);
        QVERIFY(QString::fromStdString(r.err).contains("--sampler"));
        // Euler is a Stable Diffusion sampler: the built-in model refuses it by name.
        r = semc({"decode", sem, "-o", path("never.png"), "--model", model, "--sampler", "euler"});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("Stable Diffusion"), r.err.c_str());
        r = semc({"decode", image, "-o", path("never.png"), "--model", model});  // a PNG, not a .sem
        QCOMPARE(r.code, 1);
        QVERIFY(QString::fromStdString(r.err).contains("not a SemCompress file"));
        QVERIFY(!QFile::exists(path("never.png")));
    }
    void otherModelNeedsForce()
    {
        sem::diffusion::ModelCard card;
        card.config = sem::diffusion::tinyModelConfig();
        sem::diffusion::BuiltinEngine other;
        other.createRandom(card, 2, "cpu");
        other.save(path("other").toStdString());
        Run r = semc({"decode", path("rt.sem"), "-o", path("never.png"), "--model", path("other"), "--fidelity"});
        QCOMPARE(r.code, 1);
        QVERIFY(QString::fromStdString(r.err).contains("--force"));
        r = semc({"decode", path("rt.sem"), "-o", path("forced.png"), "--model", path("other"), "--fidelity", "--force"});
        QCOMPARE(r.code, 0);
        QVERIFY(QString::fromStdString(r.err).contains("warning"));
    }
    void ctrlCStopsWithoutOutput()
    {
#ifdef Q_OS_WIN
        QSKIP("sends SIGINT with kill(); Windows has no kill() (Ctrl-C there is a console control event)");
#else
        QProcess p;
        p.setProgram(SEMC_BINARY);
        p.setArguments({"decode", sem, "-o", path("interrupted.png"), "--model", model, "--device", "cpu", "--steps",
                        "1000"});
        p.start();
        QVERIFY(p.waitForStarted());
        // Wait for the first progress line, then press Ctrl-C.
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("step "), 60000);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        err += p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(err.contains("interrupted"), err.constData());
        QVERIFY(!QFile::exists(path("interrupted.png")));
#endif
    }
};

QTEST_GUILESS_MAIN(TestDecodeCommand)
#include "tst_decodecommand.moc"

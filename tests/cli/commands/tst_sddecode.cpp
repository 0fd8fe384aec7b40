// `semc generate` and `semc decode` with a Stable Diffusion 1.x + ControlNet model: the tiny random
// model of tests/diffusion/sd/fixtures/pipeline (a diffusers folder, and single files named by a
// model set), against the picture diffusers' own pipeline made from the same latents.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli/CliRun.h"
#include "core/format/SemFile.h"
#include "diffusion/SafeTensors.h"

using sem::cli::test::Run;
using sem::cli::test::semc;
using sem::diffusion::SafeTensors;
using sem::DecodeSettings;
using sem::SemFile;

namespace {

const QString kFixtures = QStringLiteral(SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/pipeline");
constexpr int kSize = 128;

// The fixture script's control image: a diagonal, a horizontal line and a ring, white on black.
cv::Mat controlImage()
{
    cv::Mat c(kSize, kSize, CV_8UC3, cv::Scalar(0, 0, 0));
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x) {
            const long long r = (x - 80LL) * (x - 80) + (y - 70LL) * (y - 70) - 900;
            if (x == y || y == 40 || r * r < 3600)
                c.at<cv::Vec3b>(y, x) = cv::Vec3b(255, 255, 255);
        }
    return c;
}

// max |out - reference| in 8-bit levels, reference = diffusers' float picture (RGB planes, 0..1).
double maxLevelError(const cv::Mat& bgr, const std::vector<float>& reference)
{
    double worst = 0;
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < kSize; ++y)
            for (int x = 0; x < kSize; ++x) {
                const double ref = static_cast<double>(reference[static_cast<std::size_t>((c * kSize + y) * kSize + x)]) * 255.0;
                worst = std::max(worst, std::abs(bgr.at<cv::Vec3b>(y, x)[2 - c] - ref));
            }
    return worst;
}

}  // namespace

class TestSdDecode : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString path(const QString& n) const { return dir.filePath(n); }
    SafeTensors io;

    QStringList generateArgs(const QString& model, const QString& out) const
    {
        return {"generate", "--model", model, "--caption", "a red car under a blue sky", "--size", "128x128",
                "--control-image", path("control.png"), "--sampler", "ddim", "--steps", "4", "--guidance", "7.5",
                "--latents", path("latents.safetensors"), "--work-size", "128", "--colour-fix", "off",
                "--device", "cpu", "-o", out, "--json"};
    }

private slots:
    void initTestCase()
    {
        io = SafeTensors::read((kFixtures + "/pipeline_io.safetensors").toStdString());
        QVERIFY(cv::imwrite(path("control.png").toStdString(), controlImage()));
        SafeTensors::write(path("latents.safetensors").toStdString(),
                           {{"latents", {{1, 4, kSize / 8, kSize / 8}, io.toFloat("latents")}}});
        QFile set(path("set.json"));
        QVERIFY(set.open(QIODevice::WriteOnly));
        set.write(QStringLiteral(R"({"family": "sd1", "name": "tiny", "base": "%1/tiny_sd_singlefile.safetensors",)"
                                 R"( "controlnet": "%1/tiny_controlnet_singlefile.safetensors",)"
                                 R"( "tokenizer": "%1/tiny_sd/tokenizer", "config": "%1/tiny_sd"})")
                      .arg(kFixtures)
                      .toUtf8());
    }
    // Text to image with the ControlNet from given latents: diffusers' picture within 8-bit rounding,
    // from the diffusers folder and from single files through a model set; the settings say sd1.
    void generateMatchesDiffusers_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("diffusers folder") << kFixtures + "/tiny_sd";
        QTest::newRow("model set of single files") << QStringLiteral("set.json");
    }
    void generateMatchesDiffusers()
    {
        QFETCH(QString, model);
        if (!model.startsWith('/'))
            model = path(model);
        const Run r = semc(generateArgs(model, path("t2i.png")));
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["settings"]["family"].get<std::string>(), std::string("sd1"));
        QCOMPARE(j["settings"]["sampler"].get<std::string>(), std::string("ddim"));
        const cv::Mat out = cv::imread(path("t2i.png").toStdString());
        QCOMPARE(out.cols, kSize);
        const double err = maxLevelError(out, io.toFloat("t2i"));
        QVERIFY2(err <= 0.51, qPrintable(QString::number(err)));
    }
    // The check can fail: without the control image the picture is another.
    void withoutTheControlImageThePictureDiffers()
    {
        QStringList args = generateArgs(kFixtures + "/tiny_sd", path("nocontrol.png"));
        const int i = args.indexOf("--control-image");
        args.remove(i, 2);
        const Run r = semc(args);
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(maxLevelError(cv::imread(path("nocontrol.png").toStdString()), io.toFloat("t2i")) > 20);
    }
    // A .sem decoded by the Stable Diffusion model: the edge map drives the ControlNet, the settings
    // are the family's and are recorded, the picture has the file's size; the same file decodes to
    // the same pixels.
    void decodeASemFile()
    {
        cv::Mat img(96, 128, CV_8UC3, cv::Scalar(180, 200, 210));
        cv::rectangle(img, {20, 16, 60, 40}, cv::Scalar(20, 40, 200), cv::FILLED);
        cv::circle(img, {96, 60}, 20, cv::Scalar(200, 60, 20), cv::FILLED);
        QVERIFY(cv::imwrite(path("in.png").toStdString(), img));
        QCOMPARE(semc({"encode", path("in.png"), "-o", path("in.sem"), "--caption", "a red car", "--hint", "8"}).code, 0);
        QStringList args{"decode", path("in.sem"), "--model", kFixtures + "/tiny_sd", "--steps", "2", "--work-size",
                         "128", "--device", "cpu", "--force", "--json", "-o"};
        const Run r = semc(args + QStringList{path("a.png")});
        QVERIFY2(r.code == 0, r.err.c_str());
        // Loading is reported part by part on stderr (the folder's own ControlNet is the fifth part).
        QVERIFY2(r.err.find("loading the model: UNet (3/5)") != std::string::npos, r.err.c_str());
        QVERIFY2(r.err.find("loading the model: ControlNet (5/5)") != std::string::npos, r.err.c_str());
        const auto s = nlohmann::json::parse(r.out)["settings"];
        QCOMPARE(s["family"].get<std::string>(), std::string("sd1"));
        QCOMPARE(s["work_size"].get<int>(), 128);
        QCOMPARE(s["guidance"].get<double>(), 7.5);
        QCOMPARE(s["strength"].get<double>(), 0.7);
        const cv::Mat a = cv::imread(path("a.png").toStdString());
        QCOMPARE(a.cols, 128);
        QCOMPARE(a.rows, 96);
        QCOMPARE(semc(args + QStringList{path("b.png")}).code, 0);
        QCOMPARE(cv::norm(a, cv::imread(path("b.png").toStdString()), cv::NORM_INF), 0.0);
    }
    // semc roundtrip with a Stable Diffusion model: the file records that family's settings (the
    // control scale given), as the decode used them; the bytes reported are the saved file's.
    void roundtripRecordsTheFamily()
    {
        cv::Mat img(96, 128, CV_8UC3, cv::Scalar(180, 200, 210));
        cv::rectangle(img, {20, 16, 60, 40}, cv::Scalar(20, 40, 200), cv::FILLED);
        QVERIFY(cv::imwrite(path("rt.png").toStdString(), img));
        const Run r = semc({"roundtrip", path("rt.png"), "-o", path("rt-out.png"), "--sem", path("rt.sem"), "--model",
                            kFixtures + "/tiny_sd", "--steps", "2", "--work-size", "128", "--control-scale", "0.6",
                            "--hint", "8", "--device", "cpu", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["settings"]["family"].get<std::string>(), std::string("sd1"));
        const SemFile saved = SemFile::load(path("rt.sem").toStdString());
        QCOMPARE(saved.decode.family, DecodeSettings::StableDiffusion1);
        QCOMPARE(saved.decode.controlScaleHundredths, 60u);
        QCOMPARE(saved.decode.workSize, 128u);
        QCOMPARE(saved.decode.strengthPercent, 70u);
    }
    // A working size whose attention cannot fit is refused at once, naming the estimate and the
    // limit, instead of dying of out-of-memory; the same decode at a small size runs.
    void hugeWorkingSizeIsRefused()
    {
        QVERIFY(QFile::exists(path("in.sem")));  // made by decodeASemFile
        const Run r = semc({"decode", path("in.sem"), "--model", kFixtures + "/tiny_sd", "--steps", "1", "--work-size",
                            "2048", "--memory-limit", "2", "--device", "cpu", "--force", "-o", path("never.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("Stable Diffusion at a working size of 2048 px") != std::string::npos, r.err.c_str());
        QVERIFY2(r.err.find("over the memory limit of 2.0 GB") != std::string::npos, r.err.c_str());
        QVERIFY(!QFile::exists(path("never.png")));
        const Run ok = semc({"decode", path("in.sem"), "--model", kFixtures + "/tiny_sd", "--steps", "2",
                             "--work-size", "64", "--memory-limit", "2", "--device", "cpu", "--force", "-o",
                             path("small.png")});
        QVERIFY2(ok.code == 0, ok.err.c_str());
    }
    // Options of one family given to the other's model are refused with a message.
    void familyOptionsAreChecked()
    {
        const QString sd = kFixtures + "/tiny_sd";
        Run r = semc({"generate", "--model", sd, "--caption", "x", "--size", "64x64", "--sampler", "ddpm", "-o",
                      path("never.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("not ddpm"), r.err.c_str());
        r = semc({"generate", "--model", sd, "--caption", "x", "--size", "64x64", "--fidelity", "-o", path("never.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("fidelity"), r.err.c_str());
        r = semc({"generate", "--model", sd, "--caption", "x", "--size", "64x64", "--latents", path("control.png"), "-o",
                  path("never.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("safetensors"), r.err.c_str());
        r = semc({"generate", "--model", sd, "--caption", "x", "--size", "64x64", "--colour-fix", "maybe", "-o",
                  path("never.png")});
        QCOMPARE(r.code, 1);
        const QString builtIn = QStringLiteral(SEM_SOURCE_DIR "/models/default");
        r = semc({"generate", "--model", builtIn, "--caption", "x", "--size", "64x64", "--sampler", "euler", "-o",
                  path("never.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("Stable Diffusion"), r.err.c_str());
        r = semc({"generate", "--model", builtIn, "--caption", "x", "--size", "64x64", "--control-scale", "1", "-o",
                  path("never.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("Stable Diffusion"), r.err.c_str());
        r = semc({"generate", "--model", builtIn, "--controlnet", sd + "/controlnet", "--caption", "x", "--size", "64x64",
                  "-o", path("never.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromStdString(r.err).contains("ControlNet"), r.err.c_str());
        QVERIFY(!QFile::exists(path("never.png")));
    }
};

QTEST_GUILESS_MAIN(TestSdDecode)
#include "tst_sddecode.moc"

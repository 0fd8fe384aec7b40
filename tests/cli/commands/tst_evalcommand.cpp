// `semc eval` end to end on two small synthetic photos with the shipped model: the curves, and the
// hint-only reference at every hint setting of the sweep.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli/eval/LadderWriter.h"
#include "core/common/Error.h"
#include "core/pipeline/ModelLadder.h"
#include "tests/cli/CliRun.h"

using sem::cli::test::semc;

namespace {

cv::Mat photo(int w, int h, int seed)
{
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>((x * 2 + seed * 40) % 256), static_cast<uchar>(y * 3 % 256),
                                              static_cast<uchar>((x + y) % 256));
    cv::circle(m, {w / 2, h / 2}, h / 3, cv::Scalar(20, 200, 60), cv::FILLED);
    cv::rectangle(m, {w / 8, h / 8}, {w / 3, h / 2}, cv::Scalar(240, 240, 240), cv::FILLED);
    return m;
}

// images/p0.png and images/p1.png in `dir`: two 192x112 synthetic photos (false on failure).
bool writePhotos(const QTemporaryDir& dir)
{
    QDir().mkpath(dir.filePath("images"));
    for (int i = 0; i < 2; ++i)
        if (!cv::imwrite(dir.filePath(QStringLiteral("images/p%1.png").arg(i)).toStdString(), photo(192, 112, i)))
            return false;
    return true;
}

// A model set of the tiny Stable Diffusion + ControlNet fixture in `dir` (empty on failure).
QString writeTinySdSet(const QTemporaryDir& dir)
{
    const QString fixtures = QStringLiteral(SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/pipeline");
    const QString set = dir.filePath("tiny.json");
    QFile f(set);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QStringLiteral(R"({"family": "sd1", "name": "tiny", "base": "%1/tiny_sd_singlefile.safetensors",)"
                           R"( "controlnet": "%1/tiny_controlnet_singlefile.safetensors",)"
                           R"( "tokenizer": "%1/tiny_sd/tokenizer", "config": "%1/tiny_sd"})")
                .arg(fixtures)
                .toUtf8());
    return set;
}

nlohmann::json readJson(const QString& path)
{
    std::ifstream in(path.toStdString());
    return nlohmann::json::parse(in);
}

}  // namespace

class TestEvalCommand : public QObject {
    Q_OBJECT

private slots:
    void hintOnlyReferenceCoversEverySweepHint()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writePhotos(dir));
        const QString json = dir.filePath("eval.json"), csv = dir.filePath("eval.csv");
        const QString plotSsim = dir.filePath("ssim.png"), plotMsSsim = dir.filePath("ms-ssim.png");
        const QString plotNiqe = dir.filePath("niqe.png");
        const auto r = semc({"eval", dir.filePath("images"), "--model", SEM_SOURCE_DIR "/models/default", "--device",
                             "cpu", "--sampled", "0", "--baselines", "webp-downscale", "--points", "8:16,8:8q40:400",
                             "--json", json, "--csv", csv, "--plot-ssim", plotSsim, "--plot-ms-ssim", plotMsSsim,
                             "--plot-niqe", plotNiqe, "--write-ladder", dir.filePath("ladder.json")});
        QVERIFY2(r.code == 0, r.err.c_str());
        const nlohmann::json j = readJson(json);
        QCOMPARE(j["images"].get<int>(), 2);
        const auto& curves = j["curves"];
        QCOMPARE(curves["semantic (fidelity)"].size(), std::size_t(2));
        // The four factors at their default quality, plus the sweep's 8q40.
        const auto& hint = curves["hint only (bicubic)"];
        QCOMPARE(hint.size(), std::size_t(5));
        const double bppDefault8 = hint[2]["bpp"].get<double>(), bppQ40 = hint[4]["bpp"].get<double>();
        QVERIFY2(bppQ40 > bppDefault8, qPrintable(QStringLiteral("%1 vs %2").arg(bppQ40).arg(bppDefault8)));
        QVERIFY(hint[4]["psnr"].get<double>() >= hint[2]["psnr"].get<double>());
        // SSIM and MS-SSIM curves beside PSNR: in (0, 1], and a ÷4 hint scores above a ÷32 one.
        for (const auto& [name, curve] : curves.items())
            for (const auto& p : curve)
                for (const char* k : {"ssim", "ms_ssim"})
                    QVERIFY2(p[k].get<double>() > 0.0 && p[k].get<double>() <= 1.0, qPrintable(QString::fromStdString(name)));
        QVERIFY(hint[3]["ssim"].get<double>() > hint[0]["ssim"].get<double>());
        QVERIFY(hint[3]["ms_ssim"].get<double>() > hint[0]["ms_ssim"].get<double>());
        QVERIFY(r.out.find("## Mean curves (bpp, SSIM, MS-SSIM") != std::string::npos);
        // NIQE (192x112: two 96x96 blocks) of every decode and of the originals; a blurry bicubic
        // ÷32 hint is less natural than a ÷4 one.
        QVERIFY(r.out.find("## Mean curves (bpp, NIQE") != std::string::npos);
        QVERIFY(j["original_niqe"].is_number());
        for (const auto& rec : j["per_image"])
            QVERIFY(rec["niqe"].is_number());
        for (const char* name : {"semantic (fidelity)", "hint only (bicubic)", "webp-downscale"})
            for (const auto& p : curves[name])
                QVERIFY2(p["niqe"].is_number() && p["niqe"].get<double>() > 0.0, name);
        QVERIFY(hint[0]["niqe"].get<double>() > hint[3]["niqe"].get<double>());
        for (const QString& plot : {plotSsim, plotMsSsim, plotNiqe}) {
            const cv::Mat png = cv::imread(plot.toStdString());
            QVERIFY2(png.cols == 1060 && png.rows == 650, qPrintable(plot));
        }
        // Rate-target curves: every point is a mean of files within its target, and a larger target
        // never picks worse settings here (the two points' PSNRs rise with their rate).
        for (const char* name : {"semantic at target bpp", "semantic at target bpp, caption", "hint only at target bpp"}) {
            const auto& t = curves[name];
            QVERIFY2(!t.empty(), name);
            for (std::size_t k = 1; k < t.size(); ++k) {
                QVERIFY(t[k]["bpp"].get<double>() >= t[k - 1]["bpp"].get<double>());
                QVERIFY(t[k]["psnr"].get<double>() >= t[k - 1]["psnr"].get<double>() - 1e-9);
            }
            QVERIFY(t.back()["bpp"].get<double>() <= 0.08);
        }
        QVERIFY(j["bd_0.01_0.05"].contains("semantic at target bpp"));
        QVERIFY(j["bd_0.01_0.05"]["semantic at target bpp"]["webp-downscale"].contains("bd_rate_ms_ssim_percent"));
        for (const auto& [name, ci] : j["bd_intervals_at_target"].items())
            QVERIFY2(ci["lo"].get<double>() <= ci["hi"].get<double>(), name.c_str());
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        const std::string text = c.readAll().toStdString();
        QVERIFY(text.rfind("image,series,setting,bpp,psnr,ssim,ms_ssim,niqe\n", 0) == 0);
        QVERIFY(text.find(",hint-only,hint8q40,") != std::string::npos);
        QVERIFY(text.find(",semantic,edges1/8+hint8q40+t400,") != std::string::npos);
        // --write-ladder: the model's ladder as measured here, readable by encode --target-bpp.
        const sem::ModelLadder ladder = sem::ModelLadder::load(dir.filePath("ladder.json").toStdString());
        QCOMPARE(ladder.modelId, j["model_id"].get<std::string>());
        QCOMPARE(ladder.images, 2);
        QVERIFY2(ladder.measuredBy.find("semc eval ") == 0 && ladder.measuredBy.find("--points 8:16,8:8q40:400") != std::string::npos,
                 ladder.measuredBy.c_str());
        const auto& noCaption = curves["semantic, no caption"];
        QVERIFY(!ladder.rungs.empty() && ladder.rungs.size() <= 2);
        for (const sem::LadderRung& rung : ladder.rungs) {
            const std::size_t k = rung.point.point() == "8:16" ? 0 : 1;
            QVERIFY2(k == 0 || rung.point.point() == "8:8q40:400", rung.point.point().c_str());
            QVERIFY(std::abs(rung.bpp - noCaption[k]["bpp"].get<double>()) < 1e-6);
            QVERIFY(std::abs(rung.psnr - noCaption[k]["psnr"].get<double>()) < 1e-4);
        }
        const auto r2 = semc({"encode", dir.filePath("images/p0.png"), "-o", dir.filePath("p0.sem"), "--model",
                              dir.path(), "--target-bpp", "1", "--json"});
        QVERIFY2(r2.code == 0, r2.err.c_str());
        QCOMPARE(nlohmann::json::parse(r2.out)["operating_point"]["ladder"].get<std::string>(),
                 dir.filePath("ladder.json").toStdString());
    }

    // The ladder an eval writes: the points whose mean PSNR rises with their mean bpp, cheapest first.
    void measuredLadderIsTheParetoFront()
    {
        const std::vector<sem::OperatingPoint> points = sem::parseOperatingPoints("8:8,8:32,8:16,4:16,8:4");
        std::vector<sem::cli::BdPoint> means(5);
        means[0].bpp = 0.020; means[0].psnr = 19.0;  // 8:8
        means[1].bpp = 0.005; means[1].psnr = 17.0;  // 8:32
        means[2].bpp = 0.010; means[2].psnr = 18.0;  // 8:16
        means[3].bpp = 0.012; means[3].psnr = 17.5;  // 4:16: costs more than 8:16 for less: dropped
        means[4].bpp = 0.040; means[4].psnr = 20.0;  // 8:4
        const std::vector<sem::LadderRung> l = sem::cli::measuredLadder(points, means);
        QCOMPARE(l.size(), std::size_t(4));
        const char* expected[] = {"8:32", "8:16", "8:8", "8:4"};
        for (std::size_t i = 0; i < 4; ++i)
            QCOMPARE(l[i].point.point(), std::string(expected[i]));
        QCOMPARE(l[2].bpp, 0.020);
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::cli::measuredLadder(points, {}));
    }

    // The sampled decodes at the rate targets: per sampled image the rung each target picks, decoded at
    // the default strength and from noise, scored (PSNR, SSIM, MS-SSIM, NIQE) in the report, the JSON
    // (curves, per image) and the CSV, beside the fidelity decode of the same files.
    void sampledDecodesAtTargetBpps()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writePhotos(dir));
        const QString json = dir.filePath("eval.json"), csv = dir.filePath("eval.csv"), plot = dir.filePath("niqe.png");
        const auto r = semc({"eval", dir.filePath("images"), "--model", SEM_SOURCE_DIR "/models/default", "--device",
                             "cpu", "--sampled", "1", "--steps", "3", "--baselines", "webp-downscale", "--points",
                             "8:16,8:8q40:400", "--bootstrap", "0", "--json", json, "--csv", csv, "--plot-niqe", plot});
        QVERIFY2(r.code == 0, r.err.c_str());
        const nlohmann::json j = readJson(json);
        const auto& curves = j["curves"];
        const std::string sampledName = "semantic sampled 0.35 (1 of 2)";
        const std::string noiseName = "semantic from noise (1 of 2)";
        QVERIFY2(curves.contains(sampledName) && curves.contains(noiseName), j["curves"].dump().c_str());
        const auto& at = j["sampled_at_target"];
        QCOMPARE(at["images"].get<int>(), 1);
        QCOMPARE(at["steps"].get<int>(), 3);
        QVERIFY(!at["targets"].empty());
        QCOMPARE(curves[sampledName].size(), at["targets"].size());
        QCOMPARE(curves[noiseName].size(), at["targets"].size());
        // The first image's rungs: the sampled decodes are of the same files as its fidelity decode,
        // so their rate is the fidelity's; the decode differs, and each has every score.
        QCOMPARE(at["original_niqe"].get<double>(), j["per_image"][0]["niqe"].get<double>());
        for (const auto& row : at["targets"]) {
            const double bpp = row["fidelity"]["bpp"].get<double>();
            QVERIFY(bpp <= row["target_bpp"].get<double>());
            for (const char* kind : {"sampled", "from_noise"}) {
                const auto& p = row[kind];
                QCOMPARE(p["bpp"].get<double>(), bpp);
                QVERIFY2(p["psnr"].get<double>() > 5.0 && p["psnr"].get<double>() < 60.0, kind);
                QVERIFY(p["ssim"].get<double>() > 0.0 && p["ssim"].get<double>() <= 1.0);
                QVERIFY(p["ms_ssim"].get<double>() > 0.0 && p["ms_ssim"].get<double>() <= 1.0);
                QVERIFY2(p["niqe"].is_number() && p["niqe"].get<double>() > 0.0, kind);
                QVERIFY(p["psnr"].get<double>() != row["fidelity"]["psnr"].get<double>());
            }
        }
        const auto& first = j["per_image"][0];
        QVERIFY(!first["sampled_rungs"].empty());
        QVERIFY(first["sampled"].contains("strength 0.35@0.050"));
        QVERIFY(first["sampled"].contains("from noise@0.050"));
        QVERIFY(!first["sampled"].contains("from noise@0.080"));  // the targets of the BD range only
        QVERIFY(!j["per_image"][1].contains("sampled_rungs"));  // only the first image is sampled
        QVERIFY(r.out.find("## Rate-distortion-perception at target bpp (1 images") != std::string::npos);
        QVERIFY(r.out.find("- " + noiseName + ":") != std::string::npos);
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        const std::string text = c.readAll().toStdString();
        QVERIFY(text.find("p0.png,sampled,strength 0.35@0.050,") != std::string::npos);
        QVERIFY(text.find("p0.png,sampled,from noise@0.050,") != std::string::npos);
        QVERIFY(text.find("p1.png,sampled,") == std::string::npos);
        QCOMPARE(cv::imread(plot.toStdString()).cols, 1060);
    }

    // A baseline target that only some images reach is not a point of the mean curve (the mean over
    // the easy images that reach it would sit far above the set's): it is listed apart.
    void targetsNotEveryImageReachesAreListedApart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir().mkpath(dir.filePath("images"));
        cv::Mat flat(112, 160, CV_8UC3, cv::Scalar(120, 130, 140));
        cv::Mat noise(112, 160, CV_8UC3);
        cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
        QVERIFY(cv::imwrite(dir.filePath("images/flat.png").toStdString(), flat));
        QVERIFY(cv::imwrite(dir.filePath("images/noise.png").toStdString(), noise));
        const QString json = dir.filePath("eval.json");
        const auto r = semc({"eval", dir.filePath("images"), "--model", SEM_SOURCE_DIR "/models/default", "--device",
                             "cpu", "--sampled", "0", "--baselines", "webp", "--points", "8:16", "--json", json});
        QVERIFY2(r.code == 0, r.err.c_str());
        const nlohmann::json j = readJson(json);
        QVERIFY2(j["partial_points"].contains("webp"), r.out.c_str());
        for (const auto& p : j["partial_points"]["webp"])
            QCOMPARE(p["images"].get<int>(), 1);  // the flat image only
        QVERIFY(!j["curves"].contains("webp") || j["curves"]["webp"].empty());
        QVERIFY(r.out.find("## Baseline targets not every image reaches") != std::string::npos);
    }

    // A Stable Diffusion 1.x + ControlNet model (the tiny random fixture, through a model set of
    // single files): the sweep and the ablations are decoded with the family's seeded sampled decode,
    // which the text, JSON and CSV name (never "fidelity"); the sampled decodes say they are skipped;
    // PSNR and NIQE are measured; --write-ladder writes the set's ladder, which encode --target-bpp
    // then uses.
    void stableDiffusionModelSweep()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writePhotos(dir));
        const QString set = writeTinySdSet(dir);
        QVERIFY(!set.isEmpty());
        const QString json = dir.filePath("eval.json"), csv = dir.filePath("eval.csv");
        const QString ladderFile = dir.filePath("tiny.ladder.json");  // where ModelLadder looks for the set's
        const auto r = semc({"eval", dir.filePath("images"), "--model", set, "--device", "cpu", "--steps", "2",
                             "--work-size", "64", "--sampled", "1", "--bootstrap", "0", "--baselines", "webp-downscale",
                             "--points", "0:16,4:8", "--json", json, "--csv", csv, "--write-ladder", ladderFile});
        QVERIFY2(r.code == 0, r.err.c_str());
        // The text names the family and the decode, and says the sampled decodes are skipped.
        QVERIFY2(r.out.find("Model family sd1; every point and ablation decoded with the Stable Diffusion 1.x + "
                            "ControlNet sampled decode: dpmpp2m (Karras sigmas), 2 steps, guidance 7.5, strength "
                            "0.70") != std::string::npos, r.out.c_str());
        QVERIFY(r.out.find("working size 64") != std::string::npos);
        QVERIFY(r.out.find("## Sampled decodes: skipped for model family sd1") != std::string::npos);
        QVERIFY2(QString::fromStdString(r.out).count("fidelity", Qt::CaseInsensitive) == 0, r.out.c_str());
        const nlohmann::json j = readJson(json);
        QVERIFY2(j.dump().find("fidelity\":true") == std::string::npos, j["decode"].dump().c_str());
        QCOMPARE(j["family"].get<std::string>(), std::string("sd1"));
        QCOMPARE(j["decode"]["family"].get<std::string>(), std::string("sd1"));
        QCOMPARE(j["decode"]["steps"].get<int>(), 2);
        QCOMPARE(j["decode"]["work_size"].get<int>(), 64);
        QVERIFY(j["sampled_skipped"].is_string());
        QVERIFY(!j.contains("sampled_at_target"));
        const auto& curves = j["curves"];
        QVERIFY(!curves.contains("semantic (fidelity)"));
        QCOMPARE(j["sweep_series"].get<std::string>(), std::string("semantic (sd1 sampled decode)"));
        for (const char* name : {"semantic (sd1 sampled decode)", "semantic, no caption"}) {
            QCOMPARE(curves[name].size(), std::size_t(2));
            for (const auto& p : curves[name]) {
                QVERIFY2(p["psnr"].get<double>() > 3.0 && p["psnr"].get<double>() < 60.0, name);
                QVERIFY2(p["niqe"].is_number() && p["niqe"].get<double>() > 0.0, name);
            }
        }
        QVERIFY(j["ablations"].contains("edges+caption+hint"));
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        const std::string text = c.readAll().toStdString();
        QVERIFY(text.find("p0.png,semantic,edges1/4+hint8,") != std::string::npos);
        QVERIFY(text.find(",sampled,") == std::string::npos);
        QVERIFY(QString::fromStdString(text).count("fidelity", Qt::CaseInsensitive) == 0);
        // The ladder records the model, and encode --target-bpp with the set uses it.
        const sem::ModelLadder ladder = sem::ModelLadder::load(ladderFile.toStdString());
        QCOMPARE(ladder.modelId, j["model_id"].get<std::string>());
        QCOMPARE(ladder.images, 2);
        QVERIFY(!ladder.rungs.empty());
        const auto r2 = semc({"encode", dir.filePath("images/p0.png"), "-o", dir.filePath("p0.sem"), "--model", set,
                              "--target-bpp", "1", "--json"});
        QVERIFY2(r2.code == 0, r2.err.c_str());
        const auto op = nlohmann::json::parse(r2.out)["operating_point"];
        QCOMPARE(op["ladder"].get<std::string>(), ladderFile.toStdString());
        QCOMPARE(op["ladder_fallback"].get<bool>(), false);
    }

    // --compare: the built-in model's report joins a Stable Diffusion model's eval of the same
    // images (one plot of both families): its model curves, unchanged, in the JSON, the text and the
    // plots (drawn dashed: the plot differs from the one without); a report of other images is
    // refused before anything is decoded.
    void compareDrawsAnotherModelsCurves()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writePhotos(dir));
        const QString builtIn = dir.filePath("builtin.json");
        const auto a = semc({"eval", dir.filePath("images"), "--model", SEM_SOURCE_DIR "/models/default", "--device",
                             "cpu", "--sampled", "1", "--steps", "2", "--bootstrap", "0", "--baselines",
                             "webp-downscale", "--points", "8:16,4:8", "--json", builtIn});
        QVERIFY2(a.code == 0, a.err.c_str());
        const nlohmann::json aj = readJson(builtIn);
        const QString set = writeTinySdSet(dir);
        QVERIFY(!set.isEmpty());
        const QStringList sd = {"eval", dir.filePath("images"), "--model", set, "--device", "cpu", "--steps", "2",
                                "--work-size", "64", "--bootstrap", "0", "--baselines", "webp-downscale", "--points",
                                "0:16,4:8"};
        const QString json = dir.filePath("sd.json"), plot = dir.filePath("niqe.png"), alone = dir.filePath("alone.png");
        const auto b = semc(sd + QStringList{"--compare", builtIn, "--json", json, "--plot-niqe", plot});
        QVERIFY2(b.code == 0, b.err.c_str());
        const auto c = semc(sd + QStringList{"--plot-niqe", alone});
        QVERIFY2(c.code == 0, c.err.c_str());
        const nlohmann::json j = readJson(json);
        QCOMPARE(j["compared"].size(), std::size_t(1));
        const auto& cmp = j["compared"][0];
        QCOMPARE(cmp["family"].get<std::string>(), std::string("built-in"));
        QCOMPARE(cmp["model_id"].get<std::string>(), aj["model_id"].get<std::string>());
        QVERIFY(cmp["model_id"] != j["model_id"]);
        const std::string label = "built-in " + aj["model_id"].get<std::string>() + ": at target bpp";
        QVERIFY2(cmp["curves"].contains(label), cmp.dump().c_str());
        QCOMPARE(cmp["curves"][label], aj["curves"]["semantic at target bpp"]);
        QVERIFY(!cmp["curves"].contains("built-in " + aj["model_id"].get<std::string>() + ": at target bpp, caption"));
        QVERIFY(!j["curves"].contains(label));  // this run's own curves stay its own
        QVERIFY2(b.out.find("## Compared reports (the same 2 images") != std::string::npos, b.out.c_str());
        QVERIFY(b.out.find("- " + label + ":") != std::string::npos);
        const cv::Mat withCompare = cv::imread(plot.toStdString()), without = cv::imread(alone.toStdString());
        QCOMPARE(withCompare.cols, 1060);
        QVERIFY(cv::norm(withCompare, without, cv::NORM_L1) > 0);
        // Other images: refused with the reason, before the sweep decodes anything.
        QDir().mkpath(dir.filePath("other"));
        QVERIFY(cv::imwrite(dir.filePath("other/p0.png").toStdString(), photo(192, 112, 0)));
        const auto d = semc({"eval", dir.filePath("other"), "--model", set, "--device", "cpu", "--compare", builtIn});
        QCOMPARE(d.code, 1);
        QVERIFY2(d.err.find("--compare " + builtIn.toStdString() + ": scored 2 images, this run 1") != std::string::npos,
                 d.err.c_str());
        QVERIFY(d.err.find("[1/1]") == std::string::npos);
    }

    // --controlnet (and the other Stable Diffusion options) are refused for the built-in model.
    void controlnetIsRefusedForTheBuiltInModel()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir().mkpath(dir.filePath("images"));
        QVERIFY(cv::imwrite(dir.filePath("images/p0.png").toStdString(), photo(64, 48, 0)));
        const QString cn = QStringLiteral(SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/pipeline/tiny_sd/controlnet");
        for (const QStringList& extra : {QStringList{"--controlnet", cn}, QStringList{"--work-size", "128"}}) {
            const auto r = semc(QStringList{"eval", dir.filePath("images"), "--model", SEM_SOURCE_DIR "/models/default",
                                            "--device", "cpu", "--sampled", "0", "--baselines", "webp", "--points", "8:16"} +
                                extra);
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.find("eval: " + extra[0].toStdString() +
                                " is for a Stable Diffusion model; the model is a built-in one") != std::string::npos,
                     r.err.c_str());
        }
    }

    // A baseline that codes an image losslessly has an infinite PSNR there (and so on the mean
    // curve): the plot leaves such values out instead of running its axis to infinity.
    void losslessBaselineIsLeftOutOfThePlot()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir().mkpath(dir.filePath("images"));
        QVERIFY(cv::imwrite(dir.filePath("images/flat.png").toStdString(),
                            cv::Mat(200, 300, CV_8UC3, cv::Scalar(120, 130, 140))));
        const QString json = dir.filePath("eval.json"), plot = dir.filePath("rd.png"), ssim = dir.filePath("ssim.png");
        const auto r = semc({"eval", dir.filePath("images"), "--model", SEM_SOURCE_DIR "/models/default", "--device",
                             "cpu", "--sampled", "0", "--baselines", "jp2", "--points", "8:16", "--bootstrap", "0",
                             "--json", json, "--plot", plot, "--plot-ssim", ssim});
        QVERIFY2(r.code == 0, r.err.c_str());
        const nlohmann::json j = readJson(json);
        QVERIFY(!j["curves"]["jp2"].empty());
        QVERIFY(j["curves"]["jp2"][0]["psnr"].is_null());  // JSON has no infinity
        QVERIFY(j["per_image"][0]["niqe"].is_null());      // a flat image has no NIQE
        QVERIFY(j["original_niqe"].is_null());
        for (const QString& p : {plot, ssim})
            QCOMPARE(cv::imread(p.toStdString()).cols, 1060);
    }
};

QTEST_GUILESS_MAIN(TestEvalCommand)
#include "tst_evalcommand.moc"

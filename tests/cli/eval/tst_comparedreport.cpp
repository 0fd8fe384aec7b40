// `semc eval --compare`'s reader of an earlier report (cli/eval/ComparedReport): which curves it
// takes and how it names them, and the clear refusal of anything that is not a report of the same
// images.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/eval/ComparedReport.h"
#include "core/common/Error.h"

using namespace sem::cli;

namespace {

nlohmann::json point(double bpp, double psnr, double niqe)
{
    return {{"bpp", bpp}, {"psnr", psnr}, {"ssim", 0.5}, {"ms_ssim", 0.6}, {"niqe", niqe}};
}

nlohmann::json report()
{
    nlohmann::json curves = {
        {"semantic at target bpp", {point(0.009, 18.1, 11.5), point(0.014, 19.0, 10.5)}},
        {"semantic sampled 0.35 (1 of 2)", {point(0.009, 17.8, 6.4)}},
        {"semantic from noise (1 of 2)", {point(0.009, 17.1, 6.0)}},
        {"semantic at target bpp, caption", {point(0.010, 18.2, 11.4)}},
        {"semantic, best setting", {point(0.010, 18.3, 11.0)}},
        {"webp-downscale", {point(0.010, 18.1, 13.4)}},
        {"hint only at target bpp", {point(0.009, 18.0, 14.0)}}};
    curves["semantic at target bpp"][1]["niqe"] = nullptr;  // a decode without NIQE
    return {{"model_id", "c0cbc3ab12a40167"},
            {"curves", curves},
            {"per_image", {{{"image", "a.png"}, {"width", 64}, {"height", 48}},
                           {{"image", "b.png"}, {"width", 80}, {"height", 60}}}}};
}

std::string write(const QTemporaryDir& dir, const std::string& name, const std::string& text)
{
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

EvalImage image(const std::string& name, int w, int h)
{
    return {name, cv::Mat(h, w, CV_8UC3, cv::Scalar(0, 0, 0)), ""};
}

}  // namespace

class TestComparedReport : public QObject {
    Q_OBJECT
private slots:
    void takesTheModelCurvesAtTargetBpp()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const ComparedReport r = ComparedReport::load(write(dir, "a.json", report().dump()));
        QCOMPARE(r.family, std::string("built-in"));  // a built-in model's report names no family
        QCOMPARE(r.modelId, std::string("c0cbc3ab12a40167"));
        QCOMPARE(r.imageNames.size(), std::size_t(2));
        std::vector<std::string> names;
        for (const Series& s : r.series) {
            names.push_back(s.name);
            QVERIFY(s.dashed);
        }
        const std::vector<std::string> want = {"built-in c0cbc3ab12a40167: at target bpp",
                                               "built-in c0cbc3ab12a40167: from noise (1 of 2)",
                                               "built-in c0cbc3ab12a40167: sampled 0.35 (1 of 2)"};
        QCOMPARE(names, want);
        QCOMPARE(r.series[0].points.size(), std::size_t(2));
        QCOMPARE(r.series[0].points[1].psnr, 19.0);
        QVERIFY(std::isnan(r.series[0].points[1].niqe));
        QCOMPARE(r.series[2].points[0].niqe, 6.4);

        nlohmann::json sd = report();
        sd["family"] = "sd1";
        QCOMPARE(ComparedReport::load(write(dir, "sd.json", sd.dump())).series[0].name,
                 std::string("sd1 c0cbc3ab12a40167: at target bpp"));
        // Reports written before the sampled curves got their short names.
        nlohmann::json old = report();
        old["curves"]["semantic at target bpp, sampled from noise"] = old["curves"]["semantic from noise (1 of 2)"];
        QCOMPARE(ComparedReport::load(write(dir, "old.json", old.dump())).series.size(), std::size_t(4));
    }

    void checksTheImages()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const ComparedReport r = ComparedReport::load(write(dir, "a.json", report().dump()));
        r.requireImages({image("a.png", 64, 48), image("b.png", 80, 60)});
        auto refused = [&](const std::vector<EvalImage>& images, const std::string& why) {
            try {
                r.requireImages(images);
            } catch (const sem::Error& e) {
                return std::string(e.what()).find(why) != std::string::npos;
            }
            return false;
        };
        QVERIFY(refused({image("a.png", 64, 48)}, "scored 2 images, this run 1"));
        QVERIFY(refused({image("a.png", 64, 48), image("c.png", 80, 60)}, "image 2 is b.png (80x60), this run's c.png (80x60)"));
        QVERIFY(refused({image("a.png", 64, 48), image("b.png", 40, 30)}, "this run's b.png (40x30)"));
        QVERIFY(refused({image("b.png", 80, 60), image("a.png", 64, 48)}, "image 1 is a.png"));
    }

    void refusesWhatIsNotAReport_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("why");
        nlohmann::json noCurve = report();
        noCurve["curves"].erase("semantic at target bpp");
        noCurve["curves"].erase("semantic sampled 0.35 (1 of 2)");
        noCurve["curves"].erase("semantic from noise (1 of 2)");
        nlohmann::json badPoint = report();
        badPoint["curves"]["semantic at target bpp"][0]["psnr"] = "high";
        nlohmann::json noBpp = report();
        noBpp["curves"]["semantic at target bpp"][0].erase("bpp");
        nlohmann::json noImages = report();
        noImages["per_image"] = nlohmann::json::array();
        nlohmann::json badImage = report();
        badImage["per_image"][1].erase("width");
        nlohmann::json badFamily = report();
        badFamily["family"] = 3;
        QTest::newRow("not json") << "{\"model_id\": " << "is not JSON";
        QTest::newRow("array") << "[1, 2]" << "is not JSON";
        QTest::newRow("no curves") << R"({"model_id": "x", "per_image": []})" << "has no \"curves\"";
        QTest::newRow("wrong types") << R"({"model_id": 3, "curves": {}, "per_image": []})" << "has the wrong type";
        QTest::newRow("no model curve") << QString::fromStdString(noCurve.dump()) << "has no \"semantic at target bpp\" curve";
        QTest::newRow("bad point") << QString::fromStdString(badPoint.dump()) << "\"psnr\" is not a number";
        QTest::newRow("no bpp") << QString::fromStdString(noBpp.dump()) << "a point without a bit rate";
        QTest::newRow("no images") << QString::fromStdString(noImages.dump()) << "scored no images";
        QTest::newRow("bad image") << QString::fromStdString(badImage.dump()) << "no image name and size";
        QTest::newRow("bad family") << QString::fromStdString(badFamily.dump()) << "\"family\" is not a name";
    }
    void refusesWhatIsNotAReport()
    {
        QFETCH(QString, text);
        QFETCH(QString, why);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = write(dir, "r.json", text.toStdString());
        try {
            ComparedReport::load(path);
            QFAIL("accepted");
        } catch (const sem::Error& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.rfind("--compare " + path + ": ", 0) == 0 && msg.find(why.toStdString()) != std::string::npos,
                     msg.c_str());
        }
        try {
            ComparedReport::load(dir.filePath("missing.json").toStdString());
            QFAIL("accepted a missing file");
        } catch (const sem::Error& e) {
            QVERIFY2(std::string(e.what()).find("cannot be read") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestComparedReport)
#include "tst_comparedreport.moc"

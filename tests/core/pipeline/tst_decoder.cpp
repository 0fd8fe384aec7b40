// The .sem -> image path through the real engine, with a tiny randomly initialised model made in
// the test (no download, no shipped weights needed).
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/Encoder.h"
#include "core/common/Cancelled.h"
#include "diffusion/builtin/BuiltinEngine.h"
#include "diffusion/builtin/PeakMemory.h"

using namespace sem;

namespace {

cv::Mat scene(int w, int h)
{
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(90, 140, 200));
    cv::rectangle(m, {w / 5, h / 5, w / 3, h / 2}, cv::Scalar(20, 40, 220), cv::FILLED);
    return m;
}

}  // namespace

class TestDecoder : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::string model;
    SemFile file;

private slots:
    void initTestCase()
    {
        diffusion::ModelCard card;
        card.config = diffusion::tinyModelConfig();
        card.vocabulary = {"a", "red", "box", "on", "blue"};
        diffusion::BuiltinEngine engine;
        engine.createRandom(card, 42, "cpu");
        model = dir.filePath("tiny").toStdString();
        engine.save(model);
        EncodeOptions o;
        o.caption = "a red box on blue";
        o.hint.factor = 16;
        file = Encoder::encode(scene(67, 45), o).file;
    }
    // A decode over the memory limit is refused before anything image-sized is allocated, with a
    // message naming the size, the estimate and the limit; under a tight limit that still fits, the
    // network tiles and the decode finishes.
    void memoryLimitRefusesOrTiles()
    {
        Decoder d(model, "cpu");
        SemFile big;
        big.width = 16384;  // 268 megapixels: the largest image a .sem holds
        big.height = 16384;
        DecodeRequest r;
        r.fidelity = true;
        r.memoryLimitBytes = 8'000'000'000ull;
        try {
            d.decode(big, r);
            QFAIL("a 268-megapixel decode within 8 GB was not refused");
        } catch (const Error& e) {
            const QString m = QString::fromUtf8(e.what());
            QVERIFY2(m.contains("268.4 megapixels (16384x16384) need about") && m.contains("over the memory limit of 8.0 GB")
                         && m.contains("--memory-limit"),
                     e.what());
        }
        // The limit is checked for small images too: the runtime alone is over 0.1 GB.
        r.memoryLimitBytes = 100'000'000ull;
        QVERIFY_THROWS_EXCEPTION(Error, d.decode(file, r));
        // Just above the runtime and the planes: the network is tiled, the decode finishes.
        r.memoryLimitBytes = diffusion::BuiltinPeakMemory::kBaseBytes + 4'000'000ull;
        const DecodeOutcome tiled = d.decode(file, r);
        QCOMPARE(tiled.image.cols, file.width);
        QCOMPARE(tiled.image.rows, file.height);
    }
    void decodesAtTheFileSize()
    {
        Decoder d(model, "cpu");
        QCOMPARE(d.deviceName(), std::string("cpu"));
        DecodeRequest r;
        r.steps = 3;
        r.strength = 1.0f;  // from pure noise: one evaluation per step
        int calls = 0, previews = 0;
        r.previewEvery = 2;
        const DecodeOutcome o = d.decode(file, r, [&](const DecodeProgress& p) {
            ++calls;
            QCOMPARE(p.total, 3);
            if (!p.preview.empty()) {
                ++previews;
                QCOMPARE(p.preview.cols, 67);
            }
        });
        QCOMPARE(o.image.cols, 67);
        QCOMPARE(o.image.rows, 45);
        QCOMPARE(o.image.type(), CV_8UC3);
        QCOMPARE(calls, 3);
        QCOMPARE(previews, 3);  // the first step, step 2 and the last step
        QCOMPARE(o.settings.steps, 3u);
    }
    void sameFileSamePixels()
    {
        Decoder d(model, "cpu");
        DecodeRequest r;
        r.steps = 2;
        r.seed = 7;
        const cv::Mat a = d.decode(file, r).image;
        const cv::Mat b = d.decode(file, r).image;
        QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
        r.seed = 8;
        QVERIFY(cv::norm(a, d.decode(file, r).image, cv::NORM_INF) > 0.0);
    }
    void recordedSettingsAreUsed()
    {
        SemFile f = file;
        f.decode.present = true;
        f.decode.sampler = DecodeSettings::Ddim;
        f.decode.steps = 2;
        f.decode.seed = 99;
        Decoder d(model, "cpu");
        const DecodeOutcome o = d.decode(f, {});
        QCOMPARE(o.settings.steps, 2u);
        QCOMPARE(o.settings.seed, 99u);
        QCOMPARE(o.settings.sampler, DecodeSettings::Ddim);
    }
    // A file without decode settings decodes at the default strength: the fidelity decode, then that
    // share of the steps. A recorded strength (100 % included) is kept; a request overrides it.
    void strengthComesFromTheFileOrTheDefault()
    {
        Decoder d(model, "cpu");
        DecodeRequest r;
        r.steps = 20;
        int total = 0;
        DecodeOutcome o = d.decode(file, r, [&](const DecodeProgress& p) { total = p.total; });
        QCOMPARE(o.settings.strengthPercent, Decoder::kDefaultStrengthPercent);
        QCOMPARE(total, 1 + int(std::lround(20 * Decoder::kDefaultStrengthPercent / 100.0)));
        SemFile f = file;
        f.decode.present = true;
        f.decode.steps = 2;
        QCOMPARE(d.decode(f, {}).settings.strengthPercent, 100u);
        r.strength = 0.5f;
        QCOMPARE(d.decode(f, r).settings.strengthPercent, 50u);
        r.fidelity = true;  // a fidelity decode records no strength (no byte in the file)
        QCOMPARE(d.decode(f, r).settings.strengthPercent, 100u);
        r.fidelity = false;
        for (const float bad : {0.0f, 1.5f, std::nanf("")}) {
            r.strength = bad;
            QVERIFY_THROWS_EXCEPTION(Error, d.decode(f, r));
        }
    }
    void otherModelRefusedUnlessForced()
    {
        Decoder d(model, "cpu");
        SemFile f = file;
        f.modelId = d.modelId32() ^ 1u;
        DecodeRequest r;
        r.fidelity = true;
        try {
            d.decode(f, r);
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("--force"), e.what());
        }
        r.force = true;
        const DecodeOutcome o = d.decode(f, r);
        QCOMPARE(o.warnings.size(), std::size_t(1));
        f.modelId = d.modelId32();
        r.force = false;
        QVERIFY(d.decode(f, r).warnings.empty());
    }
    void cancelStopsTheDecode()
    {
        Decoder d(model, "cpu");
        std::atomic<bool> cancel{false};
        DecodeRequest r;
        r.steps = 10;
        int last = 0;
        QVERIFY_THROWS_EXCEPTION(sem::Cancelled, d.decode(file, r, [&](const DecodeProgress& p) {
            last = p.step;
            if (p.step == 2)
                cancel = true;
        }, &cancel));
        QCOMPARE(last, 2);
    }
    void backendOfTheModelsFamily()
    {
        Decoder d(model, "cpu");
        QCOMPARE(d.family(), std::string("built-in"));
        QVERIFY(d.parameterCount() > 0);
        // A Stable Diffusion folder is opened as one (not misread as a built-in model without its
        // card): an incomplete one is refused naming the part it lacks.
        QVERIFY(QDir(dir.path()).mkpath("sd15/unet"));
        try {
            Decoder sd(dir.filePath("sd15").toStdString(), "cpu");
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("has no vae/ folder"), e.what());
        }
        // A ControlNet goes with a Stable Diffusion model only.
        QVERIFY_THROWS_EXCEPTION(Error, Decoder(model, "cpu", dir.filePath("sd15").toStdString()));
    }
    void missingModelIsAClearError()
    {
        QVERIFY_THROWS_EXCEPTION(Error, Decoder(dir.filePath("nothing-here").toStdString(), "cpu"));
        qputenv("SEMCOMPRESS_MODEL", "");
        try {
            ModelLocator::defaultModelPath();
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("--model"));
        }
    }
    void generateFromCaption()
    {
        Decoder d(model, "cpu");
        DecodeRequest r;
        r.steps = 2;
        const DecodeOutcome o = d.generate("a red box", 40, 24, r);
        QCOMPARE(o.image.cols, 40);
        QCOMPARE(o.image.rows, 24);
        QVERIFY_THROWS_EXCEPTION(Error, d.generate("x", 0, 10, r));
    }
};

QTEST_GUILESS_MAIN(TestDecoder)
#include "tst_decoder.moc"

// The decoder engine on a tiny random model: sizes, determinism, callbacks, cancel, guidance,
// fidelity, tiling, save/load and refusal of mismatched weights.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "diffusion/builtin/BuiltinEngine.h"
#include "diffusion/SafeTensors.h"

using namespace sem::diffusion;

namespace {

ModelCard tinyCard() {
    ModelCard card;
    card.name = "tiny-test";
    card.config = tinyModelConfig();
    card.vocabulary = {"a", "red", "car", "blue", "sky"};
    return card;
}

Conditions makeConditions(int width, int height, bool withHint = true) {
    Conditions c;
    c.width = width;
    c.height = height;
    c.scaleDenominator = 2;
    c.mapWidth = (width + 1) / 2;
    c.mapHeight = (height + 1) / 2;
    c.edges.assign(static_cast<std::size_t>(c.mapWidth) * static_cast<std::size_t>(c.mapHeight), 0);
    for (int y = 0; y < c.mapHeight; ++y)  // a diagonal line and a horizontal one
        for (int x = 0; x < c.mapWidth; ++x)
            if (x == y || y == c.mapHeight / 2)
                c.edges[static_cast<std::size_t>(y * c.mapWidth + x)] = 255;
    if (withHint) {
        ImageRgb hint;
        hint.width = width;
        hint.height = height;
        hint.rgb.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
        for (std::size_t i = 0; i < hint.rgb.size(); ++i)
            hint.rgb[i] = static_cast<std::uint8_t>((i * 37) % 256);
        c.hint = std::move(hint);
    }
    c.caption = "a red car under a blue sky";
    return c;
}

SamplerSettings fewSteps(int steps = 3) {
    SamplerSettings s;
    s.steps = steps;
    s.seed = 1234;
    return s;
}

double meanAbsDiff(const ImageRgb& a, const ImageRgb& b, int margin) {
    double sum = 0;
    long n = 0;
    for (int y = margin; y < a.height - margin; ++y)
        for (int x = margin; x < a.width - margin; ++x)
            for (int ch = 0; ch < 3; ++ch) {
                const auto i = static_cast<std::size_t>((y * a.width + x) * 3 + ch);
                sum += std::abs(static_cast<int>(a.rgb[i]) - static_cast<int>(b.rgb[i]));
                ++n;
            }
    return sum / static_cast<double>(n);
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return QString();
}

}  // namespace

class TestEngine : public QObject {
    Q_OBJECT
    BuiltinEngine engine;

private slots:
    void initTestCase() {
        engine.createRandom(tinyCard(), 42, "cpu");
        QVERIFY(engine.isLoaded());
        QCOMPARE(engine.deviceName(), std::string("cpu"));
        QCOMPARE(engine.modelId().size(), std::size_t(16));
        QVERIFY(engine.parameterCount() > 1000);
    }

    void outputHasRequestedOddSize_data() {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("321x481") << 321 << 481;
        QTest::newRow("33x17") << 33 << 17;
    }

    void outputHasRequestedOddSize() {
        QFETCH(int, width);
        QFETCH(int, height);
        const ImageRgb out = engine.decode(makeConditions(width, height), fewSteps(2));
        QCOMPARE(out.width, width);
        QCOMPARE(out.height, height);
        QCOMPARE(out.rgb.size(), static_cast<std::size_t>(width * height * 3));
    }

    void seedIsDeterministic() {
        const Conditions c = makeConditions(64, 48);
        SamplerSettings s = fewSteps();
        const ImageRgb a = engine.decode(c, s);
        const ImageRgb b = engine.decode(c, s);
        QVERIFY(a.rgb == b.rgb);
        s.seed = 1235;
        const ImageRgb other = engine.decode(c, s);
        QVERIFY(a.rgb != other.rgb);
    }

    void callbackFiresEveryStepAndPreviewsEveryK() {
        std::vector<int> steps, previews;
        const auto out = engine.decode(makeConditions(40, 40), fewSteps(7),
                                       [&](const Progress& p, const ImageRgb* preview) {
                                           QCOMPARE(p.total, 7);
                                           steps.push_back(p.step);
                                           if (preview) {
                                               QCOMPARE(preview->width, 40);
                                               QCOMPARE(preview->height, 40);
                                               previews.push_back(p.step);
                                           }
                                       },
                                       3);
        QCOMPARE(steps, (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(previews, (std::vector<int>{1, 3, 6, 7}));  // the first evaluation's too
        QCOMPARE(engine.lastStats().networkEvaluations, 7);
        QCOMPARE(out.width, 40);
    }

    void cancelStopsWithinOneStep() {
        std::atomic<bool> cancel{false};
        int lastStep = 0;
        bool cancelled = false;
        try {
            engine.decode(makeConditions(40, 40), fewSteps(6),
                          [&](const Progress& p, const ImageRgb*) {
                              lastStep = p.step;
                              if (p.step == 2)
                                  cancel = true;
                          },
                          1, &cancel);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(lastStep, 2);
        QCOMPARE(engine.lastStats().networkEvaluations, 2);
    }

    void guidancePathsRun() {
        const Conditions c = makeConditions(48, 40);
        SamplerSettings s = fewSteps(2);
        std::vector<ImageRgb> outs;
        for (const float g : {0.0f, 1.0f, 3.0f}) {
            s.guidance = g;
            outs.push_back(engine.decode(c, s));
            QCOMPARE(engine.lastStats().networkEvaluations, 2);
        }
        QVERIFY(outs[0].rgb != outs[1].rgb);  // unconditional differs from conditional
        QVERIFY(outs[1].rgb != outs[2].rgb);  // guidance changes the result
        // Without hint and caption the unconditional and conditional passes coincide.
        Conditions bare = makeConditions(48, 40, false);
        bare.caption.clear();
        s.guidance = 0.0f;
        const ImageRgb u = engine.decode(bare, s);
        s.guidance = 1.0f;
        QVERIFY(u.rgb == engine.decode(bare, s).rgb);
    }

    // The fidelity decode is the unguided x0 prediction: the guidance setting does not change it.
    void fidelityIgnoresGuidance() {
        const Conditions c = makeConditions(48, 40);
        SamplerSettings s = fewSteps(2);
        s.fidelity = true;
        s.guidance = 1.0f;
        const ImageRgb unguided = engine.decode(c, s);
        s.guidance = 3.0f;
        QVERIFY(engine.decode(c, s).rgb == unguided.rgb);
        s.fidelity = false;  // a sampled decode does depend on it
        const ImageRgb guided = engine.decode(c, s);
        s.guidance = 1.0f;
        QVERIFY(engine.decode(c, s).rgb != guided.rgb);
    }

    // Below strength 1 a decode starts from the first step's x0 prediction (the fidelity decode at
    // guidance 1; guided like every step otherwise) and runs round(strength * steps) steps from there.
    void strengthStartsFromTheFirstPrediction() {
        const Conditions c = makeConditions(48, 40);
        SamplerSettings fid = fewSteps(10);
        fid.fidelity = true;
        const ImageRgb fidelity = engine.decode(c, fid);
        SamplerSettings s = fewSteps(10);
        s.strength = 0.3f;
        s.guidance = 1.0f;
        std::vector<int> steps;
        ImageRgb first, last;
        const ImageRgb out = engine.decode(c, s, [&](const Progress& p, const ImageRgb* preview) {
            QCOMPARE(p.total, 4);
            steps.push_back(p.step);
            if (p.step == 1 && preview)
                first = *preview;
            if (p.step == p.total && preview)
                last = *preview;
        }, 1);
        QCOMPARE(steps, (std::vector<int>{1, 2, 3, 4}));
        QCOMPARE(engine.lastStats().networkEvaluations, 4);
        QVERIFY(first.rgb == fidelity.rgb);
        QVERIFY(last.rgb == out.rgb);
        QVERIFY(out.rgb != fidelity.rgb);
        QVERIFY(engine.decode(c, s).rgb == out.rgb);  // deterministic for a seed
        s.strength = 1.0f;                             // from pure noise: another decode
        QVERIFY(engine.decode(c, s).rgb != out.rgb);
        QCOMPARE(engine.lastStats().networkEvaluations, 10);

        // Guided: the start is the guided first step of a decode from noise with the same seed.
        s.guidance = 3.0f;
        auto firstPreview = [&](const SamplerSettings& settings) {
            ImageRgb image;
            engine.decode(c, settings, [&](const Progress& p, const ImageRgb* preview) {
                if (p.step == 1 && preview)
                    image = *preview;
            }, 1);
            return image;
        };
        const ImageRgb guidedFirst = firstPreview(s);
        s.strength = 0.1f;
        QVERIFY(firstPreview(s).rgb == guidedFirst.rgb);
        QVERIFY(guidedFirst.rgb != fidelity.rgb);
        QCOMPARE(engine.lastStats().networkEvaluations, 2);
    }

    // A hint-residual model's guidance drops only the caption; with edgeGuidance it drops the edges
    // too, so without a caption guidance changes a sampled decode only when there are edges.
    void edgeGuidanceDropsTheEdges() {
        Conditions c = makeConditions(48, 40);
        c.caption.clear();
        Conditions noEdges = c;
        noEdges.edges.clear();
        noEdges.mapWidth = noEdges.mapHeight = 0;
        auto guidedAndNot = [](BuiltinEngine& e, const Conditions& conditions) {
            SamplerSettings s = fewSteps(2);
            s.guidance = 1.0f;
            const ImageRgb plain = e.decode(conditions, s);
            s.guidance = 3.0f;
            return std::make_pair(plain, e.decode(conditions, s));
        };
        ModelCard card = tinyCard();
        card.config.hintResidual = true;
        BuiltinEngine residual;
        residual.createRandom(card, 7, "cpu");
        // Batched and single passes may differ in rounding, so "the same" is within 0.05 grey levels.
        auto same = [](const ImageRgb& a, const ImageRgb& b) {
            const double d = meanAbsDiff(a, b, 0);
            return std::make_pair(d < 0.05, QString("mean difference %1").arg(d));
        };
        auto [plain, guided] = guidedAndNot(residual, c);
        auto [equal, why] = same(plain, guided);
        QVERIFY2(equal, qPrintable(why));  // both passes see the same edges and hint, no caption
        card.config.edgeGuidance = true;
        BuiltinEngine edgeGuided;
        edgeGuided.createRandom(card, 7, "cpu");
        QCOMPARE(edgeGuided.modelId(), residual.modelId());  // the same weights
        std::tie(plain, guided) = guidedAndNot(edgeGuided, c);
        std::tie(equal, why) = same(plain, guided);
        QVERIFY2(!equal && meanAbsDiff(plain, guided, 0) > 0.5, qPrintable(why));
        std::tie(plain, guided) = guidedAndNot(edgeGuided, noEdges);
        std::tie(equal, why) = same(plain, guided);
        QVERIFY2(equal, qPrintable(why));
    }

    void batchDecodesLikeOneAtATime() {
        // Two images of one size, each with its own seed, caption, hint and edges (the second has
        // none): one network batch per step, each image what it gives alone up to rounding.
        const Conditions a = makeConditions(40, 32);
        Conditions b = makeConditions(40, 32);
        b.caption = "a blue sky";
        b.edges.clear();
        b.mapWidth = b.mapHeight = 0;
        for (std::size_t i = 0; i < b.hint->rgb.size(); ++i)
            b.hint->rgb[i] = static_cast<std::uint8_t>((i * 11 + 60) % 256);
        SamplerSettings s = fewSteps(3);
        s.sampler = SamplerKind::Ddpm;  // fresh noise every step: the seeds matter
        s.strength = 1.0f;
        s.seed = 3;
        const ImageRgb aloneA = engine.decode(a, s);
        const ImageRgb otherSeedA = [&] { SamplerSettings t = s; t.seed = 9; return engine.decode(a, t); }();
        QVERIFY2(meanAbsDiff(aloneA, otherSeedA, 0) > 0.5, "the seed must change the picture for this test to mean anything");
        s.seed = 9;
        const ImageRgb aloneB = engine.decode(b, s);
        const std::vector<ImageRgb> batch = engine.decodeBatch({&a, &b}, s, {3, 9});
        QCOMPARE(engine.lastStats().networkEvaluations, 3);
        QCOMPARE(int(batch.size()), 2);
        for (const auto& [got, want] : {std::make_pair(batch[0], aloneA), std::make_pair(batch[1], aloneB)}) {
            QCOMPARE(got.width, 40);
            int worst = 0;
            for (std::size_t i = 0; i < got.rgb.size(); ++i)
                worst = std::max(worst, std::abs(int(got.rgb[i]) - int(want.rgb[i])));
            QVERIFY2(worst <= 1, qPrintable(QString("largest difference %1").arg(worst)));
            QVERIFY(meanAbsDiff(got, want, 0) < 0.05);
        }
        s.fidelity = true;  // one evaluation for both
        s.seed = 0;
        const std::vector<ImageRgb> fidelity = engine.decodeBatch({&b, &a}, s, {0, 0});
        QCOMPARE(engine.lastStats().networkEvaluations, 1);
        QVERIFY(meanAbsDiff(fidelity[1], engine.decode(a, s), 0) < 0.05);

        s.fidelity = false;
        QVERIFY(engine.batchCapacity(40, 32, s) >= 2);
        SamplerSettings tiled = s;
        tiled.tileSize = 16;
        QCOMPARE(engine.batchCapacity(40, 32, tiled), 0);
        const Conditions small = makeConditions(24, 16);
        QVERIFY(errorOf([&] { engine.decodeBatch({&a, &small}, s, {1, 2}); }).contains("same size"));
        QVERIFY(errorOf([&] { engine.decodeBatch({&a, &b}, s, {1}); }).contains("one seed per image"));
        const Conditions noHint = makeConditions(40, 32, false);
        QVERIFY(errorOf([&] { engine.decodeBatch({&a, &noHint}, s, {1, 2}); }).contains("colour hint"));
    }

    void allSamplersRun() {
        const Conditions c = makeConditions(40, 32);
        for (const auto kind : {SamplerKind::Ddpm, SamplerKind::Ddim, SamplerKind::DpmPp2M}) {
            SamplerSettings s = fewSteps(4);
            s.sampler = kind;
            s.eta = 0.5f;
            const ImageRgb a = engine.decode(c, s);
            QVERIFY(a.rgb == engine.decode(c, s).rgb);
            QCOMPARE(engine.lastStats().networkEvaluations, 4);
        }
    }

    void fidelityIsOneEvaluation() {
        SamplerSettings s = fewSteps(20);
        s.fidelity = true;
        int calls = 0;
        const ImageRgb out = engine.decode(makeConditions(50, 30), s, [&](const Progress& p, const ImageRgb* preview) {
            ++calls;
            QCOMPARE(p.total, 1);
            QVERIFY(preview != nullptr);
        });
        QCOMPARE(calls, 1);
        QCOMPARE(engine.lastStats().networkEvaluations, 1);
        QCOMPARE(out.width, 50);
    }

    void tiledDecodeMatchesUntiledInTheInterior() {
        const Conditions c = makeConditions(160, 120);
        SamplerSettings s = fewSteps(2);
        const ImageRgb full = engine.decode(c, s);
        QCOMPARE(engine.lastStats().tiles, 1);
        s.tileSize = 64;
        s.tileOverlap = 32;
        const ImageRgb tiled = engine.decode(c, s);
        QVERIFY(engine.lastStats().tiles > 4);
        QCOMPARE(tiled.width, 160);
        QCOMPARE(tiled.height, 120);
        s.tileSize = 0;
        s.seed = 99;
        const ImageRgb otherSeed = engine.decode(c, s);
        const double tileError = meanAbsDiff(full, tiled, 16);
        const double seedDifference = meanAbsDiff(full, otherSeed, 16);
        qInfo("interior mean |tiled - untiled| = %.2f, |seed A - seed B| = %.2f", tileError, seedDifference);
        QVERIFY2(tileError < 0.25 * seedDifference, qPrintable(QString::number(tileError)));
        // Automatic tiling kicks in under a small memory budget.
        BuiltinEngine small;
        small.createRandom(tinyCard(), 42, "cpu");
        small.setMemoryBudgetBytes(1 << 20);
        small.decode(c, fewSteps(1));
        QVERIFY(small.lastStats().tiles > 1);
    }

    void saveAndLoadGiveTheSameModel() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        engine.save(path);
        BuiltinEngine loaded;
        loaded.load(path, "cpu");
        QCOMPARE(loaded.modelId(), engine.modelId());
        QCOMPARE(loaded.parameterCount(), engine.parameterCount());
        const Conditions c = makeConditions(40, 24);
        QVERIFY(loaded.decode(c, fewSteps(2)).rgb == engine.decode(c, fewSteps(2)).rgb);
        BuiltinEngine byFile;
        byFile.load(path + "/model.safetensors", "cpu");
        QCOMPARE(byFile.modelId(), engine.modelId());
    }

    void mismatchedWeightsAreRefused() {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString();
        engine.save(path);
        const std::string weights = path + "/model.safetensors";
        const SafeTensors original = SafeTensors::read(weights);
        std::map<std::string, SafeTensors::Tensor> tensors;
        for (const auto& [name, entry] : original.entries())
            tensors[name] = {entry.shape, original.toFloat(name)};
        const std::string victim = "unet.inConv.weight";
        QVERIFY(tensors.count(victim) == 1);

        auto missing = tensors;
        missing.erase(victim);
        SafeTensors::write(weights, missing);
        BuiltinEngine e;
        QString message = errorOf([&] { e.load(path, "cpu"); });
        QVERIFY2(message.contains("lacks") && message.contains(QString::fromStdString(victim)), qPrintable(message));

        auto extra = tensors;
        extra["unet.bogus"] = {{1}, {0.0f}};
        SafeTensors::write(weights, extra);
        message = errorOf([&] { e.load(path, "cpu"); });
        QVERIFY2(message.contains("unexpected") && message.contains("unet.bogus"), qPrintable(message));

        auto reshaped = tensors;
        auto& t = reshaped[victim];
        t.shape = {static_cast<std::int64_t>(t.values.size())};
        SafeTensors::write(weights, reshaped);
        message = errorOf([&] { e.load(path, "cpu"); });
        QVERIFY2(message.contains("shape") && message.contains(QString::fromStdString(victim)), qPrintable(message));
        QVERIFY(!e.isLoaded());

        message = errorOf([&] { e.load(path + "/nothing-here", "cpu"); });
        QVERIFY2(message.contains("does not exist"), qPrintable(message));
    }

    void invalidConditionsAreRefused() {
        Conditions c = makeConditions(32, 32);
        c.edges.pop_back();
        QVERIFY(errorOf([&] { engine.decode(c, fewSteps(1)); }).contains("edge map"));
        c = makeConditions(32, 32);
        c.hint->width = 31;
        QVERIFY(errorOf([&] { engine.decode(c, fewSteps(1)); }).contains("hint"));
        c = makeConditions(32, 32);
        c.scaleDenominator = 3;
        QVERIFY(errorOf([&] { engine.decode(c, fewSteps(1)); }).contains("scale"));
        c = makeConditions(32, 32);
        QVERIFY(errorOf([&] { engine.decode(c, fewSteps(0)); }).contains("steps"));
        SamplerSettings s = fewSteps(2);
        for (const float bad : {0.0f, -0.5f, 1.01f, std::nanf("")}) {
            s.strength = bad;
            QVERIFY(errorOf([&] { engine.decode(c, s); }).contains("strength"));
        }
        s = fewSteps(2);
        for (const auto euler : {SamplerKind::Euler, SamplerKind::EulerAncestral}) {
            s.sampler = euler;
            QVERIFY(errorOf([&] { engine.decode(c, s); }).contains("Stable Diffusion family"));
        }
        Conditions withControl = makeConditions(32, 32);
        withControl.controlImage = ImageRgb{32, 32, std::vector<std::uint8_t>(32 * 32 * 3, 0)};
        QVERIFY(errorOf([&] { engine.decode(withControl, fewSteps(1)); }).contains("control image"));
        c.width = 0;
        QVERIFY(errorOf([&] { engine.decode(c, fewSteps(1)); }).contains("size"));
        QVERIFY(errorOf([&] { BuiltinEngine().decode(makeConditions(8, 8), fewSteps(1)); }).contains("no model"));
        QVERIFY(errorOf([&] { BuiltinEngine().load("/tmp", "tpu"); }).contains("unknown device"));
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"

// The trainer on a tiny model and a synthetic batch: overfitting, resume equality, EMA, export.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "diffusion/builtin/BuiltinEngine.h"
#include "training/loop/Trainer.h"

using namespace sem::diffusion;
using namespace sem::training;

namespace {

TrainerOptions tinyOptions() {
    TrainerOptions o;
    o.card.name = "tiny-train";
    o.card.config = tinyModelConfig();
    o.card.vocabulary = {"a", "red", "square", "on", "blue"};
    o.learningRate = 3e-3;
    o.warmupSteps = 1;
    o.emaDecay = 0.9;
    o.seed = 7;
    o.threads = 1;  // one thread: with OpenMP barriers a loaded CI machine slowed 2-thread runs 10-75x
    return o;
}

// Four 32x32 samples: a coloured square on a background, its outline as edges, a flat hint.
TrainingBatch syntheticBatch() {
    TrainingBatch b;
    b.size = 4;
    b.width = b.height = 32;
    const std::size_t px = b.pixels();
    b.images.resize(px * 3 * 4);
    b.edges.assign(px * 4, 0.0f);
    b.hints.resize(px * 3 * 4);
    for (int s = 0; s < 4; ++s) {
        const int x0 = 4 + 3 * s, x1 = 20 + 2 * s;
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x) {
                const bool inside = x >= x0 && x < x1 && y >= x0 && y < x1;
                const std::size_t i = static_cast<std::size_t>(s) * px + static_cast<std::size_t>(y * 32 + x);
                b.images[i * 3 + 0] = inside ? 220 : 30;
                b.images[i * 3 + 1] = inside ? 40 : 60;
                b.images[i * 3 + 2] = inside ? 40 : 200;
                const bool border = inside && (x == x0 || x == x1 - 1 || y == x0 || y == x1 - 1);
                b.edges[i] = border ? 1.0f : 0.0f;
                b.hints[i * 3 + 0] = 128;
                b.hints[i * 3 + 1] = 60;
                b.hints[i * 3 + 2] = 120;
            }
    }
    b.scaleIndex = {0, 1, 2, 4};
    b.hasHint = {1, 0, 1, 0};
    b.captions = {"a red square on blue", "", "a red square", ""};
    return b;
}

}  // namespace

class TrainerTest : public QObject {
    Q_OBJECT
private slots:
    void lossDecreasesOnOneBatch() {
        Trainer trainer(tinyOptions());
        const TrainingBatch b = syntheticBatch();
        const double before = trainer.peekLoss(b);
        double last = 0;
        for (int i = 0; i < 40; ++i)
            last = trainer.step(b);
        const double after = trainer.peekLoss(b);
        QCOMPARE(trainer.steps(), 40LL);
        QVERIFY2(after < 0.5 * before, qPrintable(QString("loss %1 -> %2 (last step %3)").arg(before).arg(after).arg(last)));
    }

    void resumeGivesTheSameNextStep() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("ck.pt").toStdString();
        const TrainingBatch b = syntheticBatch();
        Trainer a(tinyOptions());
        for (int i = 0; i < 5; ++i)
            a.step(b);
        a.saveCheckpoint(path);
        QVERIFY(!QFile::exists(dir.filePath("ck.pt.tmp")));
        TrainerOptions other = tinyOptions();
        other.seed = 99;  // different init and generator: everything must come from the checkpoint
        Trainer c(other);
        QVERIFY(c.peekLoss(b) != a.peekLoss(b));
        c.loadCheckpoint(path);
        QCOMPARE(c.steps(), 5LL);
        for (int i = 0; i < 2; ++i) {
            const double la = a.step(b), lc = c.step(b);
            QVERIFY2(std::abs(la - lc) <= 1e-6 * std::max(1.0, std::abs(la)),
                     qPrintable(QString("step %1: %2 vs %3").arg(i).arg(la).arg(lc)));
        }
        QVERIFY(std::abs(a.emaDistance() - c.emaDistance()) < 1e-7);
    }

    void checkpointOfAnotherArchitectureIsRefused() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("ck.pt").toStdString();
        Trainer a(tinyOptions());
        a.saveCheckpoint(path);
        TrainerOptions other = tinyOptions();
        other.card.vocabulary.push_back("green");
        Trainer c(other);
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error, c.loadCheckpoint(path));
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error, c.loadCheckpoint(dir.filePath("missing.pt").toStdString()));
    }

    void emaDiffersFromRawWeights() {
        Trainer trainer(tinyOptions());
        QCOMPARE(trainer.emaDistance(), 0.0);
        const TrainingBatch b = syntheticBatch();
        for (int i = 0; i < 10; ++i)
            trainer.step(b);
        QVERIFY(trainer.emaDistance() > 1e-6);
        const ValidationResult ema = trainer.validate({b}, true), raw = trainer.validate({b}, false);
        QCOMPARE(ema.images, 4);
        QCOMPARE(ema.hinted, 2);
        QVERIFY(ema.fidelityPsnr != raw.fidelityPsnr);
        QVERIFY(ema.hintPsnr > 0.0);
    }

    void exportLoadsInTheEngine() {
        QTemporaryDir dir;
        Trainer trainer(tinyOptions());
        const TrainingBatch b = syntheticBatch();
        for (int i = 0; i < 3; ++i)
            trainer.step(b);
        TrainingInfo info;
        info.command = "test";
        info.metrics["steps"] = 3;
        trainer.exportModel(dir.path().toStdString(), info);
        BuiltinEngine engine;
        engine.load(dir.path().toStdString(), "cpu");
        QCOMPARE(engine.parameterCount(), trainer.parameterCount());
        QCOMPARE(engine.card().training.command, std::string("test"));
        Conditions c;
        c.width = c.height = 32;
        c.caption = "a red square";
        SamplerSettings s;
        s.fidelity = true;
        const ImageRgb out = engine.decode(c, s);
        QCOMPARE(out.rgb.size(), std::size_t(32 * 32 * 3));
    }

    // A hint-residual model whose output layer is zero decodes the upsampled hint itself (fidelity).
    void residualModelStartsAsTheHint() {
        QTemporaryDir dir;
        TrainerOptions o = tinyOptions();
        o.card.config.hintResidual = true;
        o.zeroOutputLayer = true;
        Trainer trainer(o);
        trainer.exportModel(dir.path().toStdString(), TrainingInfo{});
        BuiltinEngine engine;
        engine.load(dir.path().toStdString(), "cpu");
        QVERIFY(engine.card().config.hintResidual);
        Conditions c;
        c.width = 40;
        c.height = 24;  // not a multiple of the network's downsampling: padding is cut off again
        ImageRgb hint;
        hint.width = c.width;
        hint.height = c.height;
        for (int y = 0; y < c.height; ++y)
            for (int x = 0; x < c.width; ++x)
                for (int k = 0; k < 3; ++k)
                    hint.rgb.push_back(static_cast<std::uint8_t>(20 + 5 * x + 3 * y + 40 * k));
        c.hint = hint;
        SamplerSettings s;
        s.fidelity = true;
        s.guidance = 2.0f;  // guidance drops the caption only; the hint stays in both passes
        const ImageRgb out = engine.decode(c, s);
        QCOMPARE(out.rgb.size(), hint.rgb.size());
        int worst = 0;
        for (std::size_t i = 0; i < out.rgb.size(); ++i)
            worst = std::max(worst, std::abs(int(out.rgb[i]) - int(hint.rgb[i])));
        QVERIFY2(worst <= 3, qPrintable(QString("largest difference to the hint: %1").arg(worst)));
        // A non-residual model with the same zero output layer does not reproduce the hint.
        o.card.config.hintResidual = false;
        QTemporaryDir plainDir;
        Trainer plain(o);
        plain.exportModel(plainDir.path().toStdString(), TrainingInfo{});
        BuiltinEngine plainEngine;
        plainEngine.load(plainDir.path().toStdString(), "cpu");
        const ImageRgb plainOut = plainEngine.decode(c, s);
        int plainWorst = 0;
        for (std::size_t i = 0; i < plainOut.rgb.size(); ++i)
            plainWorst = std::max(plainWorst, std::abs(int(plainOut.rgb[i]) - int(hint.rgb[i])));
        QVERIFY(plainWorst > 20);
    }

    // --init: a trainer started from exported raw weights holds exactly those weights.
    void initWeightsAreLoaded() {
        QTemporaryDir first, second;
        Trainer a(tinyOptions());
        const TrainingBatch b = syntheticBatch();
        for (int i = 0; i < 3; ++i)
            a.step(b);
        a.exportModel(first.path().toStdString(), TrainingInfo{}, false);
        TrainerOptions o = tinyOptions();
        o.seed = 99;  // other random weights, replaced by the file's
        o.initWeights = first.path().toStdString();
        Trainer c(o);
        c.exportModel(second.path().toStdString(), TrainingInfo{}, false);
        BuiltinEngine ea, ec;
        ea.load(first.path().toStdString(), "cpu");
        ec.load(second.path().toStdString(), "cpu");
        QCOMPARE(ec.modelId(), ea.modelId());
        TrainerOptions wrong = tinyOptions();
        wrong.card.vocabulary.push_back("extra");  // another embedding shape
        wrong.initWeights = first.path().toStdString();
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error, Trainer{wrong});
    }

    // x0 prediction: the network's output is the clean image itself; it trains like v.
    void x0PredictionTrains() {
        TrainerOptions o = tinyOptions();
        o.card.config.prediction = Prediction::X0;
        Trainer trainer(o);
        const TrainingBatch b = syntheticBatch();
        const double before = trainer.peekLoss(b);
        for (int i = 0; i < 40; ++i)
            trainer.step(b);
        const double after = trainer.peekLoss(b);
        QVERIFY2(after < 0.5 * before, qPrintable(QString("loss %1 -> %2").arg(before).arg(after)));
        QTemporaryDir dir;
        trainer.exportModel(dir.path().toStdString(), TrainingInfo{});
        BuiltinEngine engine;
        engine.load(dir.path().toStdString(), "cpu");
        QVERIFY(engine.card().config.prediction == Prediction::X0);
        Conditions c;
        c.width = c.height = 32;
        SamplerSettings s;
        s.steps = 4;
        s.seed = 3;
        QCOMPARE(engine.decode(c, s).rgb.size(), std::size_t(32 * 32 * 3));
    }

    // A v model continued as x0 with its output layer negated keeps its fidelity decode (at the
    // last timestep the signal weight is ~0, so v = -x0 there).
    void negatedOutputLayerKeepsTheFidelityDecode() {
        TrainerOptions vOptions = tinyOptions();
        vOptions.card.config.hintResidual = true;
        Trainer v(vOptions);
        const TrainingBatch b = syntheticBatch();
        for (int i = 0; i < 10; ++i)
            v.step(b);
        QTemporaryDir dir;
        v.exportModel(dir.path().toStdString(), TrainingInfo{}, false);
        TrainerOptions x0Options = vOptions;
        x0Options.card.config.prediction = Prediction::X0;
        x0Options.initWeights = dir.path().toStdString();
        x0Options.negateOutputLayer = true;
        Trainer x0(x0Options);
        const ValidationResult before = v.validate({b}, false), after = x0.validate({b}, false);
        QVERIFY2(std::abs(before.fidelityPsnr - after.fidelityPsnr) < 0.05,
                 qPrintable(QString("%1 vs %2 dB").arg(before.fidelityPsnr).arg(after.fidelityPsnr)));
        // Without the negation the same weights decode something else.
        x0Options.negateOutputLayer = false;
        Trainer unconverted(x0Options);
        QVERIFY(std::abs(unconverted.validate({b}, false).fidelityPsnr - before.fidelityPsnr) > 0.5);
    }

    void malformedBatchIsRefused() {
        Trainer trainer(tinyOptions());
        TrainingBatch b = syntheticBatch();
        b.edges.pop_back();
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error, trainer.step(b));
        b = syntheticBatch();
        b.scaleIndex[0] = 5;
        QVERIFY_THROWS_EXCEPTION(sem::diffusion::Error, trainer.step(b));
    }
};

QTEST_GUILESS_MAIN(TrainerTest)
#include "tst_trainer.moc"

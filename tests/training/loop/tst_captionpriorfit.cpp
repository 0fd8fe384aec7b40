// The caption prior: the ridge fit recovers colour words from synthetic layouts, bad samples are
// refused, and a model written with the prior loads and colours a decode that has no hint.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

#include "training/loop/CaptionPriorFit.h"
#include "diffusion/builtin/BuiltinEngine.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/builtin/Tokenizer.h"

using namespace sem::diffusion;
using namespace sem::training;

namespace {

ModelCard tinyCard() {
    ModelCard card;
    card.name = "tiny-prior-test";
    card.config = tinyModelConfig();
    card.config.hintResidual = true;
    card.vocabulary = {"a", "red", "blue", "car", "sky", "under", "the"};
    return card;
}

// 2 x 2 layouts, planar RGB: "red" captions get a red image, "blue" ones a blue image, plus noise.
std::vector<CaptionLayoutSample> colourSamples(int count, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.1f);
    const std::vector<std::string> fillers = {"a car", "the sky", "a car under the sky", "unknownword a"};
    std::vector<CaptionLayoutSample> out;
    for (int i = 0; i < count; ++i) {
        const bool red = i % 2 == 0;
        CaptionLayoutSample s;
        s.caption = std::string(red ? "red " : "blue ") + fillers[static_cast<std::size_t>(i / 2) % fillers.size()];
        for (int c = 0; c < 3; ++c)
            for (int k = 0; k < 4; ++k)
                s.layout.push_back((c == 0 ? (red ? 0.8f : -0.8f) : c == 2 ? (red ? -0.8f : 0.8f) : 0.0f) + noise(rng));
        out.push_back(s);
    }
    return out;
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return QString();
}

double meanChannel(const ImageRgb& image, int channel) {
    double sum = 0;
    for (std::size_t i = static_cast<std::size_t>(channel); i < image.rgb.size(); i += 3)
        sum += image.rgb[i];
    return sum / static_cast<double>(image.rgb.size() / 3);
}

}  // namespace

class TestCaptionPrior : public QObject {
    Q_OBJECT
private slots:
    void fitRecoversColourWords() {
        const ModelCard card = tinyCard();
        const CaptionPriorFit fit = fitCaptionPrior(card, 2, colourSamples(200, 1), colourSamples(40, 2));
        QCOMPARE(fit.grid, 2);
        QCOMPARE(fit.fitSamples, 200);
        QCOMPARE(fit.heldOutSamples, 40);
        QCOMPARE(fit.bias.size(), std::size_t(12));
        const std::size_t vocabulary = Tokenizer::kReserved + card.vocabulary.size();
        QCOMPARE(fit.words.size(), vocabulary * 12);
        QVERIFY(fit.lambda > 0);
        // The mean layout alone errs by about 0.8^2 on the red and blue planes; the words explain most of
        // it (a mean over all words of a caption cannot isolate the colour word exactly).
        QVERIFY2(fit.heldOutBiasOnlyMse > 0.3, qPrintable(QString::number(fit.heldOutBiasOnlyMse)));
        QVERIFY2(fit.heldOutMse < 0.2 * fit.heldOutBiasOnlyMse, qPrintable(QString::number(fit.heldOutMse)));
        const std::size_t red = Tokenizer::kReserved + 1, blue = Tokenizer::kReserved + 2;
        QVERIFY(fit.words[red * 12 + 0] > fit.words[blue * 12 + 0]);  // red plane, first cell
        QVERIFY(fit.words[red * 12 + 8] < fit.words[blue * 12 + 8]);  // blue plane
        for (std::size_t i = 0; i < Tokenizer::kReserved * 12; ++i)   // reserved tokens never count
            QCOMPARE(fit.words[i], 0.0f);
    }

    void badSamplesAreRefused() {
        const ModelCard card = tinyCard();
        auto samples = colourSamples(20, 3);
        QVERIFY(errorOf([&] { fitCaptionPrior(card, 0, samples, samples); }).contains("grid"));
        QVERIFY(errorOf([&] { fitCaptionPrior(card, 2, samples, samples, {}); }).contains("ridge"));
        QVERIFY(errorOf([&] { fitCaptionPrior(card, 2, samples, samples, {-1.0}); }).contains("positive"));
        auto wrongSize = samples;
        wrongSize[3].layout.pop_back();
        QVERIFY(errorOf([&] { fitCaptionPrior(card, 2, wrongSize, samples); }).contains("11 values instead of 12"));
        auto notFinite = samples;
        notFinite[1].layout[0] = std::nanf("");
        QVERIFY(errorOf([&] { fitCaptionPrior(card, 2, notFinite, samples); }).contains("non-finite"));
        ModelCard huge = card;
        huge.vocabulary.clear();
        for (int i = 0; i < 20001; ++i)
            huge.vocabulary.push_back("w" + std::to_string(i));
        QVERIFY(errorOf([&] { fitCaptionPrior(huge, 2, samples, samples); }).contains("at most 20000"));
        auto unknownWords = samples;
        for (auto& s : unknownWords)
            s.caption = "zebra giraffe";
        QVERIFY(errorOf([&] { fitCaptionPrior(card, 2, unknownWords, samples); }).contains("too few captions"));
    }

    void writtenModelColoursDecodesWithoutHint() {
        QTemporaryDir dir;
        const std::string plain = dir.filePath("plain").toStdString(), withPrior = dir.filePath("prior").toStdString();
        BuiltinEngine original;
        original.createRandom(tinyCard(), 7, "cpu");
        original.save(plain);
        const CaptionPriorFit fit = fitCaptionPrior(tinyCard(), 2, colourSamples(200, 1), colourSamples(40, 2));
        TrainingInfo info;
        info.notes = "test prior";
        writeModelWithCaptionPrior(plain, withPrior, fit, info);

        BuiltinEngine engine;
        engine.load(withPrior, "cpu");
        QCOMPARE(engine.card().config.captionPriorGrid, 2);
        QCOMPARE(engine.card().training.notes, std::string("test prior"));
        QVERIFY(engine.modelId() != original.modelId());
        QCOMPARE(engine.parameterCount(), original.parameterCount() + static_cast<std::int64_t>(fit.words.size() + 12));

        Conditions c;
        c.width = 48;
        c.height = 40;
        SamplerSettings fidelity;
        fidelity.fidelity = true;
        fidelity.guidance = 1.0f;
        c.caption = "a red car";
        const ImageRgb red = engine.decode(c, fidelity);
        c.caption = "a blue car";
        const ImageRgb blue = engine.decode(c, fidelity);
        // The layouts differ by about 1.6 (of 2) on the red and blue planes, i.e. ~200 levels; the
        // random network's residual moves the means by far less.
        QVERIFY2(meanChannel(red, 0) - meanChannel(blue, 0) > 60,
                 qPrintable(QString("%1 %2").arg(meanChannel(red, 0)).arg(meanChannel(blue, 0))));
        QVERIFY2(meanChannel(blue, 2) - meanChannel(red, 2) > 60,
                 qPrintable(QString("%1 %2").arg(meanChannel(blue, 2)).arg(meanChannel(red, 2))));
        // A hint wins over the prior: with one, the caption changes nothing of the base image.
        ImageRgb hint{c.width, c.height, std::vector<std::uint8_t>(static_cast<std::size_t>(c.width * c.height * 3), 128)};
        c.hint = hint;
        const ImageRgb hinted = engine.decode(c, fidelity);
        BuiltinEngine plainEngine;
        plainEngine.load(plain, "cpu");
        QVERIFY(plainEngine.decode(c, fidelity).rgb == hinted.rgb);
    }

    void priorTensorsMustMatchTheCard() {
        QTemporaryDir dir;
        const std::string plain = dir.filePath("plain").toStdString(), withPrior = dir.filePath("prior").toStdString();
        BuiltinEngine original;
        original.createRandom(tinyCard(), 7, "cpu");
        original.save(plain);
        writeModelWithCaptionPrior(plain, withPrior, fitCaptionPrior(tinyCard(), 2, colourSamples(50, 1), colourSamples(10, 2)),
                                   TrainingInfo{});
        // The card says no prior but the weights have one: refused, not silently ignored.
        ModelCard card = ModelCard::load(withPrior + "/model.json");
        card.config.captionPriorGrid = 0;
        card.save(withPrior + "/model.json");
        BuiltinEngine engine;
        QVERIFY(errorOf([&] { engine.load(withPrior, "cpu"); }).contains("unexpected tensor 'prior."));
        // The card says a 3x3 prior, the weights hold a 2x2 one.
        card.config.captionPriorGrid = 3;
        card.save(withPrior + "/model.json");
        QVERIFY(errorOf([&] { engine.load(withPrior, "cpu"); }).contains("prior."));
        // A fit for another vocabulary does not fit this model.
        ModelCard bigger = tinyCard();
        bigger.vocabulary.push_back("green");
        const CaptionPriorFit other = fitCaptionPrior(bigger, 2, colourSamples(50, 1), colourSamples(10, 2));
        QVERIFY(errorOf([&] { writeModelWithCaptionPrior(plain, withPrior, other, TrainingInfo{}); })
                    .contains("vocabulary"));
    }
};

QTEST_APPLESS_MAIN(TestCaptionPrior)
#include "tst_captionpriorfit.moc"

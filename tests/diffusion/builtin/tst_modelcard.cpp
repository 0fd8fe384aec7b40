// Model card JSON, tokenizer, noise schedule and the deterministic Gaussian noise.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/ModelConfig.h"
#include "diffusion/builtin/NoiseSchedule.h"
#include "diffusion/common/GaussianNoise.h"
#include "diffusion/builtin/Tokenizer.h"

using namespace sem::diffusion;

class TestModelCard : public QObject {
    Q_OBJECT
private slots:
    void cardRoundTrip() {
        ModelCard card;
        card.name = "test";
        card.config = tinyModelConfig();
        card.config.prediction = Prediction::Epsilon;
        card.vocabulary = {"red", "car", "sky"};
        card.training.data = "bsds500";
        card.training.command = "semc-train --steps 10";
        card.training.metrics["psnr"] = 21.5;
        QTemporaryDir dir;
        const std::string path = dir.filePath("model.json").toStdString();
        card.save(path);
        const ModelCard back = ModelCard::load(path);
        QCOMPARE(back.name, card.name);
        QCOMPARE(back.vocabulary, card.vocabulary);
        QCOMPARE(back.config.channels, card.config.channels);
        QCOMPARE(back.config.unshuffle, card.config.unshuffle);
        QCOMPARE(back.config.textLayers, card.config.textLayers);
        QCOMPARE(back.config.maxTokens, card.config.maxTokens);
        QVERIFY(back.config.prediction == Prediction::Epsilon);
        QCOMPARE(back.training.command, card.training.command);
        QCOMPARE(back.training.metrics.at("psnr"), 21.5);
        QCOMPARE(back.toJson(), card.toJson());
        QVERIFY(!back.config.hintResidual);
        QVERIFY(card.toJson().find("hintResidual") == std::string::npos);  // older cards stay byte-identical
        card.config.hintResidual = true;
        card.save(path);
        QVERIFY(ModelCard::load(path).config.hintResidual);
        QVERIFY(card.toJson().find("edgeGuidance") == std::string::npos);
        card.config.edgeGuidance = true;
        card.save(path);
        QVERIFY(ModelCard::load(path).config.edgeGuidance);
        QVERIFY(card.toJson().find("captionPrior") == std::string::npos);
        card.config.captionPriorGrid = 4;
        card.save(path);
        QCOMPARE(ModelCard::load(path).config.captionPriorGrid, 4);
        card.config.prediction = Prediction::X0;
        card.save(path);
        QVERIFY(ModelCard::load(path).config.prediction == Prediction::X0);
    }

    void invalidCardsAreRefused_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        const QString base = QString::fromStdString(ModelCard().toJson());
        QTest::newRow("not json") << "{" << "not valid JSON";
        QTest::newRow("wrong format") << R"({"format":"x","formatVersion":1})" << "format";
        QTest::newRow("bad unshuffle") << QString(base).replace("\"unshuffle\": 4", "\"unshuffle\": 3") << "unshuffle";
        QTest::newRow("bad channels") << QString(base).replace("\"groups\": 8", "\"groups\": 7") << "multiple of groups";
        QTest::newRow("bad prediction") << QString(base).replace("\"prediction\": \"v\"", "\"prediction\": \"x\"")
                                        << "prediction";
        QTest::newRow("residual not bool")
            << QString(base).replace("\"type\": \"pixel-unet\"", "\"type\": \"pixel-unet\", \"hintResidual\": 1")
            << "hintResidual";
        QTest::newRow("edge guidance not bool")
            << QString(base).replace("\"type\": \"pixel-unet\"", "\"type\": \"pixel-unet\", \"edgeGuidance\": \"yes\"")
            << "edgeGuidance";
        QTest::newRow("caption prior grid too large")
            << QString(base).replace("\"type\": \"pixel-unet\"", "\"type\": \"pixel-unet\", \"captionPrior\": 17")
            << "captionPrior";
        QTest::newRow("negative caption prior grid")
            << QString(base).replace("\"type\": \"pixel-unet\"", "\"type\": \"pixel-unet\", \"captionPrior\": -1")
            << "captionPrior";
        QTest::newRow("wrong type") << QString(base).replace("\"midBlocks\": 2", "\"midBlocks\": \"two\"") << "midBlocks";
        // Found with fuzz_modelcard (a crafted input; its UBSan build aborts on it): nlohmann's
        // get<int>() converted any number (1e30 is undefined behaviour, 4294967300 wrapped to the
        // valid 4, 32.5 was truncated).
        QTest::newRow("float out of int range") << R"({"format":"semcompress-diffusion","formatVersion":1e30})"
                                                << "'formatVersion' must be an integer in the range of int";
        QTest::newRow("integer that wraps to a valid value")
            << QString(base).replace("\"unshuffle\": 4", "\"unshuffle\": 4294967300") << "'unshuffle' must be an integer";
        QTest::newRow("fractional channel count")
            << QString(base).replace(QRegularExpression("\"channels\": \\[\\s*32,"), "\"channels\": [32.5,")
            << "'channels' must list integers";
    }

    void invalidCardsAreRefused() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        try {
            ModelCard::fromJson(json.toStdString());
            QFAIL("accepted");
        } catch (const Error& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith("model card: ") && message.contains(expected), qPrintable(message));
        }
    }

    void defaultConfigIsValid() {
        defaultModelConfig().validate();
        QCOMPARE(defaultModelConfig().downsampling(), 32);
        QCOMPARE(tinyModelConfig().downsampling(), 8);
    }

    void tokenizer() {
        const Tokenizer tok({"a", "red", "car"}, 4);
        QCOMPARE(tok.vocabularySize(), std::int64_t(6));
        const auto ids = tok.encode("A red, RED truck!");
        QCOMPARE(ids, (std::vector<std::int64_t>{Tokenizer::kBos, 3, 4, 4}));  // truncated at 4 tokens
        QCOMPARE(tok.encode(""), (std::vector<std::int64_t>{Tokenizer::kBos}));
        QCOMPARE(tok.encode("car 42")[2], Tokenizer::kUnknown);
        QVERIFY_THROWS_EXCEPTION(Error, Tokenizer({"x", "x"}, 4));
    }

    void cosineSchedule() {
        const NoiseSchedule s(1000);
        QCOMPARE(s.alphaBar(-1), 1.0);
        QVERIFY(s.alphaBar(0) > 0.999 && s.alphaBar(0) < 1.0);
        QVERIFY(s.alphaBar(999) < 1e-4);
        for (int t = 1; t < 1000; ++t)
            QVERIFY(s.alphaBar(t) < s.alphaBar(t - 1));
        const auto ts = s.samplingTimesteps(20);
        QCOMPARE(ts.size(), std::size_t(20));
        QCOMPARE(ts.front(), 999);
        QCOMPARE(ts.back(), 49);
        for (std::size_t i = 1; i < ts.size(); ++i)
            QVERIFY(ts[i] < ts[i - 1]);
        QCOMPARE(s.samplingTimesteps(1000).back(), 0);
        QVERIFY_THROWS_EXCEPTION(Error, s.samplingTimesteps(0));
        QVERIFY_THROWS_EXCEPTION(Error, s.samplingTimesteps(1001));
    }

    // Strength keeps the last round(strength * steps) timesteps of the same spacing, at least one.
    void strengthKeepsTheLastSteps() {
        const NoiseSchedule s(1000);
        const auto all = s.samplingTimesteps(20);
        QCOMPARE(s.samplingTimesteps(20, 1.0f), all);
        QCOMPARE(s.samplingTimesteps(20, 0.35f), std::vector<int>(all.end() - 7, all.end()));
        QCOMPARE(s.samplingTimesteps(20, 0.5f).front(), 499);
        QCOMPARE(s.samplingTimesteps(20, 0.01f), std::vector<int>{49});
        QCOMPARE(s.samplingTimesteps(1, 0.3f), std::vector<int>{999});
        QVERIFY_THROWS_EXCEPTION(Error, s.samplingTimesteps(20, 0.0f));
        QVERIFY_THROWS_EXCEPTION(Error, s.samplingTimesteps(20, 1.5f));
        QVERIFY_THROWS_EXCEPTION(Error, s.samplingTimesteps(20, std::nanf("")));
    }

    void gaussianNoiseIsSeededAndNormal() {
        GaussianNoise a(7), b(7), c(8);
        const auto x = a.next(100001);
        QCOMPARE(x, b.next(100001));
        QVERIFY(x != c.next(100001));
        double mean = 0, square = 0;
        for (const float v : x) {
            mean += static_cast<double>(v);
            square += static_cast<double>(v) * static_cast<double>(v);
        }
        mean /= static_cast<double>(x.size());
        square /= static_cast<double>(x.size());
        QVERIFY2(std::abs(mean) < 0.02, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(square - 1.0) < 0.02, qPrintable(QString::number(square)));
    }
};

QTEST_GUILESS_MAIN(TestModelCard)
#include "tst_modelcard.moc"

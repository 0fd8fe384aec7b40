// The SD 1.x CLIP text encoder (diffusion/sd/ClipTextModel) against transformers 4.33's CLIPTextModel on
// a tiny random model (fixtures from reference/make_clip_vae_fixtures.py): parity from the diffusers
// folder and from the single-file layout (F32 and F16), the pooled-output rules, gelu, checks that a
// perturbed input or weight is caught, refused weights and configs that leave the module untouched.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>

#include "ClipParity.h"
#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ClipTextConfig.h"

using sem::diffusion::sd::ClipTextConfig;

namespace {

const std::string kFixtures = std::string(SEM_SOURCE_DIR) + "/tests/diffusion/sd/fixtures";
constexpr double kTolerance = 1e-4;

std::string configError(const std::string& json) {
    try {
        ClipTextConfig::fromJson(json);
    } catch (const sem::Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestSdClipParity : public QObject {
    Q_OBJECT
private slots:
    void matchesTheReference_data() {
        QTest::addColumn<QString>("what");
        for (const char* c : {"diffusers", "diffusers-short", "eos999", "gelu", "singlefile", "singlefile-fp16",
                              "position-ids"})
            QTest::newRow(c) << QString(c);
    }
    void matchesTheReference() {
        QFETCH(QString, what);
        const double error = sem::test::clip::relativeError(kFixtures, what.toStdString());
        qInfo("%s: max relative error %.3g", qPrintable(what), error);
        QVERIFY2(error < kTolerance, qPrintable(QString::number(error)));
    }

    // The comparison can fail: one token id, or one LayerNorm bias moved by 1e-2, moves the output past 10x
    // the tolerance (measured: 0.31 and 0.0064).
    void perturbationIsDetected_data() {
        QTest::addColumn<QString>("what");
        QTest::newRow("input") << QString("perturbed-input");
        QTest::newRow("weight") << QString("perturbed-weight");
    }
    void perturbationIsDetected() {
        QFETCH(QString, what);
        const double error = sem::test::clip::relativeError(kFixtures, what.toStdString());
        qInfo("%s: max relative error %.3g", qPrintable(what), error);
        QVERIFY2(error > 10 * kTolerance, qPrintable(QString::number(error)));
    }

    void badWeightsAreRefusedAndLeaveTheModuleUntouched_data() {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "missing"
                                 << "text encoder: the weights lack the tensor 'text_model.final_layer_norm.bias'.";
        QTest::newRow("extra") << "extra"
                               << "text encoder: the weights hold the tensor "
                                  "'text_model.encoder.layers.2.mlp.fc1.bias', which this model does not have.";
        QTest::newRow("shape") << "shape"
                               << "text encoder: the tensor 'text_model.encoder.layers.0.mlp.fc1.weight' has the "
                                  "shape [36, 32], expected [37, 32].";
        QTest::newRow("singlefile-unknown")
            << "singlefile-unknown"
            << "text encoder: the checkpoint's tensor 'cond_stage_model.transformer.text_projection.weight' is not "
               "a CLIP text encoder tensor.";
        QTest::newRow("ids-range") << "ids-range" << "text encoder: a token id is outside 0..999.";
        QTest::newRow("ids-length") << "ids-length"
                                    << "text encoder: the token ids must be a [batch, length] tensor with 1 <= "
                                       "length <= 77.";
    }
    void badWeightsAreRefusedAndLeaveTheModuleUntouched() {
        QFETCH(QString, what);
        QFETCH(QString, message);
        QCOMPARE(QString::fromStdString(sem::test::clip::loadError(kFixtures, what.toStdString())), message);
    }

    void brokenFolderIsRefused() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString src = QString::fromStdString(kFixtures) + "/clip/";
        QVERIFY(QFile::copy(src + "model.safetensors", dir.filePath("model.safetensors")));
        QCOMPARE(QString::fromStdString(sem::test::clip::folderError(dir.path().toStdString())),
                 "text encoder: the folder '" + dir.path() + "' has no config.json.");
        QFile config(dir.filePath("config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"hidden_size\": 32, \"num_attention_heads\": ");  // cut short
        config.close();
        QCOMPARE(QString::fromStdString(sem::test::clip::folderError(dir.path().toStdString())),
                 QString("text encoder config: the file is not valid JSON."));
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write("{\"hidden_size\": 32, \"num_attention_heads\": 4, \"intermediate_size\": 37, "
                     "\"num_hidden_layers\": 3, \"vocab_size\": 1000}");  // one layer more than the weights
        config.close();
        QCOMPARE(QString::fromStdString(sem::test::clip::folderError(dir.path().toStdString())),
                 QString("text encoder: the weights lack the tensor "
                         "'text_model.encoder.layers.2.layer_norm1.bias'."));
        QVERIFY(QFile::remove(dir.filePath("model.safetensors")));
        QCOMPARE(QString::fromStdString(sem::test::clip::folderError(dir.path().toStdString())),
                 "text encoder: the folder '" + dir.path() +
                     "' has neither model.safetensors nor model.fp16.safetensors.");
    }

    void configIsParsedAndValidated() {
        const ClipTextConfig tiny = ClipTextConfig::load(kFixtures + "/clip/config.json");
        QCOMPARE(tiny.hiddenSize, 32);
        QCOMPARE(tiny.intermediateSize, 37);
        QCOMPARE(tiny.numLayers, 2);
        QCOMPARE(tiny.numHeads, 4);
        QCOMPARE(tiny.vocabSize, 1000);
        QCOMPARE(tiny.maxPositions, 77);
        QCOMPARE(tiny.eosTokenId, 2);
        QVERIFY(tiny.activation == ClipTextConfig::Activation::QuickGelu);
        QCOMPARE(tiny.parameterCount(), std::int64_t(48106));  // the reference's count

        const ClipTextConfig sd15 = ClipTextConfig::load(kFixtures + "/sd15_text_encoder_config.json");
        const ClipTextConfig defaults;
        QCOMPARE(sd15.toJson(), defaults.toJson());
        QCOMPARE(defaults.parameterCount(), std::int64_t(123060480));
        QCOMPARE(ClipTextConfig::fromJson(defaults.toJson()).toJson(), defaults.toJson());
        QCOMPARE(ClipTextConfig::fromJson("{}").toJson(), defaults.toJson());
        // A whole CLIPConfig: its text tower.
        QCOMPARE(ClipTextConfig::fromJson(R"({"model_type": "clip", "text_config": {"hidden_size": 64,
                 "num_attention_heads": 2}, "vision_config": {}})").hiddenSize, 64);
        QVERIFY(ClipTextConfig::fromJson(R"({"hidden_act": "gelu"})").activation ==
                ClipTextConfig::Activation::Gelu);

        QCOMPARE(configError(R"({"num_attention_heads": 7})"),
                 std::string("text encoder config: num_attention_heads 7 does not divide hidden_size 768."));
        QCOMPARE(configError("[1, 2]"), std::string("text encoder config: the top level is not a JSON object."));
        QCOMPARE(configError("{\"hidden_size\": 768"), std::string("text encoder config: the file is not valid JSON."));
        QCOMPARE(configError(R"({"hidden_size": "768"})"),
                 std::string("text encoder config: 'hidden_size' must be an integer in the range of int."));
        QCOMPARE(configError(R"({"hidden_size": 768.5})"),
                 std::string("text encoder config: 'hidden_size' must be an integer in the range of int."));
        QCOMPARE(configError(R"({"num_hidden_layers": 4294967297})"),
                 std::string("text encoder config: 'num_hidden_layers' must be an integer in the range of int."));
        QCOMPARE(configError(R"({"num_hidden_layers": 0})"),
                 std::string("text encoder config: num_hidden_layers 0 is outside 1..256."));
        QCOMPARE(configError(R"({"hidden_act": "relu"})"),
                 std::string("text encoder config: hidden_act 'relu' is not supported (quick_gelu or gelu)."));
        QCOMPARE(configError(R"({"layer_norm_eps": -1})"),
                 std::string("text encoder config: layer_norm_eps must be in (0, 1)."));
        QCOMPARE(configError(R"({"model_type": "t5"})"),
                 std::string("text encoder config: model_type 't5' is not \"clip_text_model\" (a CLIP text "
                             "encoder)."));
        QCOMPARE(configError(R"({"vocab_size": 1000000, "hidden_size": 16384, "num_attention_heads": 1})"),
                 std::string("text encoder config: the model would have more than 4e9 parameters."));
    }
};

QTEST_GUILESS_MAIN(TestSdClipParity)
#include "tst_sd_clipparity.moc"

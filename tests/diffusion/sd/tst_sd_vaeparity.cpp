// The SD 1.x VAE (diffusion/sd/AutoencoderKL: encoder and decoder) against diffusers 0.25.1's
// AutoencoderKL on a tiny random 3-level model (fixtures from reference/make_clip_vae_fixtures.py):
// parity from the diffusers folder, from the single-file layout (1x1-conv attention) and with the old
// attention names, F16 loading, checks that a perturbed input or weight is caught, refused weights,
// inputs and configs that leave the module untouched.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>

#include "VaeParity.h"
#include "diffusion/DiffusionError.h"
#include "diffusion/sd/VaeConfig.h"

using sem::diffusion::sd::VaeConfig;

namespace {

const std::string kFixtures = std::string(SEM_SOURCE_DIR) + "/tests/diffusion/sd/fixtures";
constexpr double kTolerance = 1e-4;

std::string configError(const std::string& json) {
    try {
        VaeConfig::fromJson(json);
    } catch (const sem::Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestSdVaeParity : public QObject {
    Q_OBJECT
private slots:
    void matchesTheReference_data() {
        QTest::addColumn<QString>("what");
        for (const char* c : {"diffusers", "singlefile", "old-names"})
            QTest::newRow(c) << QString(c);
    }
    void matchesTheReference() {
        QFETCH(QString, what);
        const double error = sem::test::vae::relativeError(kFixtures, what.toStdString());
        qInfo("%s: max relative error %.3g", qPrintable(what), error);
        QVERIFY2(error < kTolerance, qPrintable(QString::number(error)));
    }

    // The comparison can fail: a pixel moved by 0.5, or one attention bias by 1e-2, moves the outputs
    // past 10x the tolerance.
    void perturbationIsDetected_data() {
        QTest::addColumn<QString>("what");
        QTest::newRow("input") << QString("perturbed-input");
        QTest::newRow("weight") << QString("perturbed-weight");
    }
    void perturbationIsDetected() {
        QFETCH(QString, what);
        const double error = sem::test::vae::relativeError(kFixtures, what.toStdString());
        qInfo("%s: max relative error %.3g", qPrintable(what), error);
        QVERIFY2(error > 10 * kTolerance, qPrintable(QString::number(error)));
    }

    // The F16 single file converts to float32: every weight equals the F32 one rounded to half.
    // diffusers' tiled VAE: the same tiles, overlaps and blending; an input of one tile is not tiled.
    void tiledMatchesTheReference() {
        QVERIFY2(sem::test::vae::tilingError(kFixtures, "encode") < 1e-4, "encode");
        QVERIFY2(sem::test::vae::tilingError(kFixtures, "decode") < 1e-4, "decode");
        QCOMPARE(sem::test::vae::tilingError(kFixtures, "small"), 0.0);
        QVERIFY(sem::test::vae::tilingError(kFixtures, "untiled") > 1e-2);  // the fixture does exercise tiling
    }
    void fp16WeightsLoad() { QCOMPARE(sem::test::vae::fp16LoadError(kFixtures), 0.0); }

    void badInputsAreRefusedAndLeaveTheModuleUntouched_data() {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "missing"
                                 << "vae: the weights lack the tensor 'decoder.up_blocks.2.resnets.0.conv_shortcut.bias'.";
        QTest::newRow("extra") << "extra"
                               << "vae: the weights hold the tensor 'encoder.down_blocks.0.resnets.0.conv_shortcut."
                                  "weight', which this model does not have.";
        QTest::newRow("shape") << "shape"
                               << "vae: the tensor 'encoder.mid_block.attentions.0.to_q.weight' has the shape "
                                  "[16, 16, 1, 1], expected [16, 16].";
        QTest::newRow("singlefile-unknown")
            << "singlefile-unknown" << "vae: the checkpoint's tensor 'first_stage_model.loss.logvar' is not a VAE tensor.";
        QTest::newRow("singlefile-level")
            << "singlefile-level"
            << "vae: the checkpoint's tensor 'first_stage_model.decoder.up.3.block.0.norm1.bias' is not a VAE tensor.";
        QTest::newRow("encode-size") << "encode-size"
                                     << "vae: the image to encode must be [batch, 3, H, W] with H and W positive "
                                        "multiples of 4.";
        QTest::newRow("decode-channels") << "decode-channels" << "vae: the latents to decode must be [batch, 4, h, w].";
    }
    void badInputsAreRefusedAndLeaveTheModuleUntouched() {
        QFETCH(QString, what);
        QFETCH(QString, message);
        QCOMPARE(QString::fromStdString(sem::test::vae::loadError(kFixtures, what.toStdString())), message);
    }

    void brokenFolderIsRefused() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString src = QString::fromStdString(kFixtures) + "/vae/";
        QVERIFY(QFile::copy(src + "diffusion_pytorch_model.safetensors",
                            dir.filePath("diffusion_pytorch_model.fp16.safetensors")));  // the variant name
        QFile config(dir.filePath("config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"block_out_channels\": [8, 16, 16], \"norm_num_groups\": 4, \"layers_per_block\": 2}");
        config.close();
        QCOMPARE(QString::fromStdString(sem::test::vae::folderError(dir.path().toStdString())), QString());
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write("{\"block_out_channels\": [8, 16, 16], \"norm_num_groups\": 3}");
        config.close();
        QCOMPARE(QString::fromStdString(sem::test::vae::folderError(dir.path().toStdString())),
                 QString("vae config: norm_num_groups 3 does not divide block_out_channels[0] 8."));
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write("{\"block_out_channels\": [8, 16], \"norm_num_groups\": 4, \"layers_per_block\": 2}");
        config.close();
        QCOMPARE(QString::fromStdString(sem::test::vae::folderError(dir.path().toStdString())),
                 QString("vae: the tensor 'decoder.up_blocks.1.resnets.0.conv1.bias' has the shape [16], expected [8]."));
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write("\xff\xfe");
        config.close();
        QCOMPARE(QString::fromStdString(sem::test::vae::folderError(dir.path().toStdString())),
                 QString("vae config: the file is not valid JSON."));
    }

    void configIsParsedAndValidated() {
        const VaeConfig tiny = VaeConfig::load(kFixtures + "/vae/config.json");
        QCOMPARE(tiny.blockOutChannels, (std::vector<int>{8, 16, 16}));
        QCOMPARE(tiny.layersPerBlock, 2);
        QCOMPARE(tiny.normNumGroups, 4);
        QCOMPARE(tiny.latentChannels, 4);
        QCOMPARE(tiny.scalingFactor, 0.18215);
        QCOMPARE(tiny.downsamplingFactor(), 4);
        QCOMPARE(tiny.parameterCount(), std::int64_t(83679));  // the reference's count
        std::int64_t attention = 0;
        QCOMPARE(sem::test::vae::parameterCount(tiny.toJson(), &attention), tiny.parameterCount());
        QCOMPARE(attention, std::int64_t(20));  // encoder + decoder: group_norm, to_q, to_k, to_v, to_out.0 x 2

        const VaeConfig sd15 = VaeConfig::load(kFixtures + "/sd15_vae_config.json");
        const VaeConfig defaults;
        QCOMPARE(sd15.toJson(), defaults.toJson());
        QCOMPARE(defaults.parameterCount(), std::int64_t(83653863));
        QCOMPARE(VaeConfig::fromJson(defaults.toJson()).toJson(), defaults.toJson());
        QCOMPARE(VaeConfig::fromJson("{}").toJson(), defaults.toJson());

        // mid_block_add_attention false (later diffusers): no attention tensors at all.
        VaeConfig noAttention = tiny;
        noAttention.midBlockAddAttention = false;
        const VaeConfig parsed = VaeConfig::fromJson(noAttention.toJson());
        QVERIFY(!parsed.midBlockAddAttention);
        QCOMPARE(sem::test::vae::parameterCount(parsed.toJson(), &attention), parsed.parameterCount());
        QCOMPARE(attention, std::int64_t(0));
        QCOMPARE(parsed.parameterCount(), tiny.parameterCount() - 2 * (2 * 16 + 4 * (16 * 16 + 16)));

        QCOMPARE(configError(R"({"down_block_types": ["DownEncoderBlock2D", "AttnDownEncoderBlock2D",
                 "DownEncoderBlock2D", "DownEncoderBlock2D"]})"),
                 std::string("vae config: down block type 'AttnDownEncoderBlock2D' is not supported "
                             "(DownEncoderBlock2D)."));
        QCOMPARE(configError(R"({"up_block_types": ["UpDecoderBlock2D"]})"),
                 std::string("vae config: down_block_types and up_block_types must have one entry per "
                             "block_out_channels entry (4)."));
        QCOMPARE(configError(R"({"act_fn": "gelu"})"), std::string("vae config: act_fn 'gelu' is not supported (silu)."));
        QCOMPARE(configError(R"({"_class_name": "VQModel"})"),
                 std::string("vae config: _class_name 'VQModel' is not AutoencoderKL."));
        QCOMPARE(configError(R"({"block_out_channels": []})"),
                 std::string("vae config: block_out_channels must list 1 to 8 blocks."));
        QCOMPARE(configError(R"({"block_out_channels": [128, 256, 512, 5120]})"),
                 std::string("vae config: block_out_channels[3] 5120 is outside 1..4096."));
        QCOMPARE(configError(R"({"scaling_factor": 0})"),
                 std::string("vae config: scaling_factor must be a positive number."));
        QCOMPARE(configError(R"({"scaling_factor": "0.18"})"), std::string("vae config: 'scaling_factor' must be a number."));
        QCOMPARE(configError(R"({"mid_block_add_attention": 1})"),
                 std::string("vae config: 'mid_block_add_attention' must be true or false."));
        QCOMPARE(configError(R"({"use_quant_conv": false})"),
                 std::string("vae config: use_quant_conv false is not supported."));
        QCOMPARE(configError(R"({"latent_channels": -4})"),
                 std::string("vae config: latent_channels -4 is outside 1..64."));
    }
};

QTEST_GUILESS_MAIN(TestSdVaeParity)
#include "tst_sd_vaeparity.moc"

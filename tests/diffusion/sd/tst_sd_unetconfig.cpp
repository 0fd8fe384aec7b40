// The UNet/ControlNet config.json parser and the single-file key map (torch-free, semdiffusion_format):
// defaults, the fixtures' and SD 2.x-style configurations, refusals that name the field, and the key map
// following the configuration's block counts.
#include <QtTest>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/SingleFileKeyMap.h"
#include "diffusion/sd/UNetConfig.h"

using sem::diffusion::Error;
using sem::diffusion::sd::originalToDiffusersName;
using sem::diffusion::sd::UNetConfig;

class TestSdUNetConfig : public QObject {
    Q_OBJECT
    const QString dir = SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/";

    static QString refusal(const std::string& json, UNetConfig::Kind kind = UNetConfig::Kind::UNet) {
        try {
            UNetConfig::fromJson(json, kind, "unet");
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

private slots:
    void emptyObjectIsSd15() {
        const UNetConfig c = UNetConfig::fromJson("{}", UNetConfig::Kind::UNet, "unet");
        QVERIFY(c == UNetConfig::sd15UNet());
        QCOMPARE(c.attentionHeads, (std::vector<int>{8, 8, 8, 8}));
        QCOMPARE(c.residualCount(), 12);
        const UNetConfig cn = UNetConfig::fromJson("{}", UNetConfig::Kind::ControlNet, "controlnet");
        QCOMPARE(cn.conditioningDownscale(), 8);
        QCOMPARE(cn.conditioningEmbeddingOutChannels, (std::vector<int>{16, 32, 96, 256}));
    }

    void fixtureConfigs() {
        const UNetConfig u = UNetConfig::fromFile((dir + "unet_tiny/config.json").toStdString(), UNetConfig::Kind::UNet, "unet");
        QCOMPARE(u.blockOutChannels, (std::vector<int>{8, 16}));
        QCOMPARE(u.crossAttentionDown, (std::vector<bool>{true, false}));
        QCOMPARE(u.attentionHeads, (std::vector<int>{2, 2}));
        QCOMPARE(u.crossAttentionDim, 12);
        QCOMPARE(u.normNumGroups, 4);
        QVERIFY(!u.useLinearProjection);
        const UNetConfig l = UNetConfig::fromFile((dir + "unet_tiny_linear/config.json").toStdString(), UNetConfig::Kind::UNet, "unet");
        QVERIFY(l.useLinearProjection);
        QCOMPARE(l.attentionHeads, (std::vector<int>{2, 4}));
        const UNetConfig c = UNetConfig::fromFile((dir + "controlnet_tiny/config.json").toStdString(),
                                                  UNetConfig::Kind::ControlNet, "controlnet");
        QCOMPARE(c.conditioningEmbeddingOutChannels, (std::vector<int>{4, 8, 8, 16}));
        sem::diffusion::sd::checkControlNetFitsUNet(c, u);
        for (const UNetConfig& x : {u, l, c})
            QVERIFY(UNetConfig::fromJson(x.toJson(), x.kind, "unet") == x);
    }

    void sd2StyleConfigIsAccepted() {
        const UNetConfig c = UNetConfig::fromJson(
            R"({"cross_attention_dim": 1024, "use_linear_projection": true, "attention_head_dim": [5, 10, 20, 20],
                "upcast_attention": true, "sample_size": 96})", UNetConfig::Kind::UNet, "unet");
        QCOMPARE(c.attentionHeads, (std::vector<int>{5, 10, 20, 20}));
        QCOMPARE(c.crossAttentionDim, 1024);
    }

    void refusalsNameTheField_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("not json") << "{\"in_channels\": " << "not valid JSON";
        QTest::newRow("array") << "[1]" << "not a JSON object";
        QTest::newRow("class") << R"({"_class_name": "UNet2DModel"})" << "'_class_name'";
        QTest::newRow("block type") << R"({"down_block_types": ["CrossAttnDownBlock2D", "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"]})" << "'down_block_types'";
        QTest::newRow("up mirror") << R"({"up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"]})" << "'up_block_types'";
        QTest::newRow("groups") << R"({"norm_num_groups": 33})" << "'norm_num_groups'";
        QTest::newRow("heads") << R"({"attention_head_dim": 7})" << "'attention_head_dim'";
        QTest::newRow("heads list") << R"({"attention_head_dim": [8, 8]})" << "'attention_head_dim'";
        QTest::newRow("num heads") << R"({"num_attention_heads": 8})" << "'num_attention_heads'";
        QTest::newRow("act") << R"({"act_fn": "gelu"})" << "'act_fn'";
        QTest::newRow("only cross") << R"({"only_cross_attention": true})" << "'only_cross_attention'";
        QTest::newRow("class embed") << R"({"class_embed_type": "timestep"})" << "'class_embed_type'";
        QTest::newRow("addition") << R"({"addition_embed_type": "text_time"})" << "'addition_embed_type'";
        QTest::newRow("mid") << R"({"mid_block_type": null})" << "'mid_block_type'";
        QTest::newRow("channels type") << R"({"block_out_channels": "320"})" << "'block_out_channels'";
        QTest::newRow("channels huge") << R"({"block_out_channels": [1e30, 640, 1280, 1280]})" << "'block_out_channels'";
        QTest::newRow("layers") << R"({"layers_per_block": 0})" << "'layers_per_block'";
        QTest::newRow("eps") << R"({"norm_eps": -1})" << "'norm_eps'";
        QTest::newRow("bool") << R"({"use_linear_projection": 1})" << "'use_linear_projection'";
        QTest::newRow("time shift") << R"({"resnet_time_scale_shift": "scale_shift"})" << "'resnet_time_scale_shift'";
        QTest::newRow("kernel") << R"({"conv_in_kernel": 5})" << "'conv_in_kernel'";
        QTest::newRow("cross list") << R"({"cross_attention_dim": [768, 768, 768, 768]})" << "'cross_attention_dim'";
    }
    void refusalsNameTheField() {
        QFETCH(QString, json);
        QFETCH(QString, field);
        const QString message = refusal(json.toStdString());
        qInfo("%s", qPrintable(message));
        QVERIFY2(message.startsWith("unet: ") && message.contains(field), qPrintable(message));
    }

    void controlNetRefusals() {
        QVERIFY(refusal(R"({"global_pool_conditions": true})", UNetConfig::Kind::ControlNet).contains("'global_pool_conditions'"));
        QVERIFY(refusal(R"({"controlnet_conditioning_channel_order": "rgba"})", UNetConfig::Kind::ControlNet)
                    .contains("'controlnet_conditioning_channel_order'"));
        QVERIFY(refusal(R"({"conditioning_embedding_out_channels": []})", UNetConfig::Kind::ControlNet)
                    .contains("'conditioning_embedding_out_channels'"));
        UNetConfig unet = UNetConfig::sd15UNet();
        unet.blockOutChannels = {320, 640, 1280};
        unet.crossAttentionDown = {true, true, false};
        unet.attentionHeads = {8, 8, 8};
        QVERIFY_EXCEPTION_THROWN(sem::diffusion::sd::checkControlNetFitsUNet(UNetConfig::sd15ControlNet(), unet), Error);
    }

    void keyMapFollowsTheConfiguration() {
        const UNetConfig sd = UNetConfig::sd15UNet();
        QCOMPARE(*originalToDiffusersName("input_blocks.4.1.proj_in.weight", sd), std::string("down_blocks.1.attentions.0.proj_in.weight"));
        QCOMPARE(*originalToDiffusersName("input_blocks.3.0.op.bias", sd), std::string("down_blocks.0.downsamplers.0.conv.bias"));
        QCOMPARE(*originalToDiffusersName("output_blocks.2.1.conv.weight", sd), std::string("up_blocks.0.upsamplers.0.conv.weight"));
        QCOMPARE(*originalToDiffusersName("output_blocks.5.2.conv.weight", sd), std::string("up_blocks.1.upsamplers.0.conv.weight"));
        QCOMPARE(*originalToDiffusersName("middle_block.2.emb_layers.1.weight", sd), std::string("mid_block.resnets.1.time_emb_proj.weight"));
        QVERIFY(!originalToDiffusersName("input_blocks.12.1.norm.weight", sd));  // DownBlock2D: no attention
        QVERIFY(!originalToDiffusersName("input_blocks.12.0.op.weight", sd));    // the last block: no downsampler
        QVERIFY(!originalToDiffusersName("output_blocks.12.0.in_layers.0.weight", sd));
        QVERIFY(!originalToDiffusersName("input_blocks.1.0.in_layers.1.weight", sd));
        QVERIFY(!originalToDiffusersName("zero_convs.0.0.weight", sd));  // a UNet has no zero convs
        // a tiny config: 2 blocks of 1 layer
        const UNetConfig tiny = UNetConfig::fromFile((dir + "unet_tiny/config.json").toStdString(), UNetConfig::Kind::UNet, "unet");
        QCOMPARE(*originalToDiffusersName("input_blocks.2.0.op.weight", tiny), std::string("down_blocks.0.downsamplers.0.conv.weight"));
        QCOMPARE(*originalToDiffusersName("input_blocks.3.0.skip_connection.weight", tiny), std::string("down_blocks.1.resnets.0.conv_shortcut.weight"));
        QCOMPARE(*originalToDiffusersName("output_blocks.1.1.conv.weight", tiny), std::string("up_blocks.0.upsamplers.0.conv.weight"));
        QCOMPARE(*originalToDiffusersName("output_blocks.3.1.transformer_blocks.0.attn1.to_q.weight", tiny),
                 std::string("up_blocks.1.attentions.1.transformer_blocks.0.attn1.to_q.weight"));
        QVERIFY(!originalToDiffusersName("input_blocks.5.0.in_layers.0.weight", tiny));
        const UNetConfig cn = UNetConfig::fromFile((dir + "controlnet_tiny/config.json").toStdString(), UNetConfig::Kind::ControlNet, "controlnet");
        QCOMPARE(*originalToDiffusersName("input_hint_block.14.bias", cn), std::string("controlnet_cond_embedding.conv_out.bias"));
        QCOMPARE(*originalToDiffusersName("zero_convs.3.0.weight", cn), std::string("controlnet_down_blocks.3.weight"));
        QVERIFY(!originalToDiffusersName("zero_convs.4.0.weight", cn));
        QVERIFY(!originalToDiffusersName("input_hint_block.16.weight", cn));
        QVERIFY(!originalToDiffusersName("out.2.weight", cn));
    }
};

QTEST_GUILESS_MAIN(TestSdUNetConfig)
#include "tst_sd_unetconfig.moc"

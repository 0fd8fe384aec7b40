// UNet2DConditionModel against the reference (diffusers v0.25.1) on the tiny fixtures, loaded from the
// diffusers layout and from the single-file layout: alone, with ControlNet residuals, with linear
// projections and per-block heads, with odd latent sizes; and the refusals of bad weights.
#include <QtTest>

#include "UNetParity.h"

using namespace sem::diffusion::sd::test;

class TestSdUNetParity : public QObject {
    Q_OBJECT
    const std::string dir = SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures";
    static constexpr double kTolerance = 1e-4;

private slots:
    void matchesReference_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("singleFile");
        QTest::addColumn<QString>("t");
        QTest::addColumn<bool>("odd");
        for (const char* model : {"unet_tiny", "unet_tiny_linear"})
            for (bool single : {false, true})
                for (const char* t : {"t0", "t1"})
                    QTest::addRow("%s %s %s", model, single ? "single-file" : "diffusers", t)
                        << QString(model) << single << QString(t) << false;
        QTest::addRow("unet_tiny odd 15x13 diffusers") << QString("unet_tiny") << false << QString("t0") << true;
        QTest::addRow("unet_tiny odd 15x13 single-file") << QString("unet_tiny") << true << QString("t0") << true;
    }
    void matchesReference() {
        QFETCH(QString, model);
        QFETCH(bool, singleFile);
        QFETCH(QString, t);
        QFETCH(bool, odd);
        const double err = unetError(dir, model.toStdString(), singleFile ? Layout::SingleFile : Layout::Diffusers,
                                     t.toStdString(), odd);
        qInfo("max relative error %.3g", err);
        QVERIFY2(err < kTolerance, qPrintable(QString::number(err)));
    }

    void withControlNetResidualsMatchesReference() {
        for (const Layout layout : {Layout::Diffusers, Layout::SingleFile})
            for (const char* t : {"t0", "t1"}) {
                const double err = unetWithResidualsError(dir, layout, t);
                qInfo("%s: max relative error %.3g", t, err);
                QVERIFY2(err < kTolerance, qPrintable(QString::number(err)));
            }
    }

    // The attention computed a group of heads at a time (as at large latents) gives the same output:
    // one batch entry and head at a time, and groups of 3 of the 4 (batch 2 x 2 heads) with a short last group.
    void chunkedAttentionMatchesReference() {
        for (const long long budget : {1LL, 3LL * 256 * 256}) {
            const double err = chunkedAttentionError(dir, budget);
            qInfo("score budget %lld: max relative error %.3g", budget, err);
            QVERIFY2(err < kTolerance, qPrintable(QString::number(err)));
        }
    }

    // The checks can fail: a changed input moves the output far past the tolerance.
    void perturbedInputFails() {
        QVERIFY(unetError(dir, "unet_tiny", Layout::Diffusers, "t0", false, 0.5) > 100 * kTolerance);
        QVERIFY(unetWithResidualsError(dir, Layout::Diffusers, "t1", 0.5) > 100 * kTolerance);
    }

    void badWeightsAreRefusedWithoutLoadingHalf_data() {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "unet-missing" << "unet: the weights lack the tensor 'up_blocks.1.attentions.1.transformer_blocks.0.attn2.to_k.weight'.";
        QTest::newRow("extra") << "unet-extra" << "which this model does not have";
        QTest::newRow("shape") << "unet-shape" << "'down_blocks.1.resnets.0.conv1.weight' has the shape [15, 8, 3, 3], expected [16, 8, 3, 3]";
        QTest::newRow("unknown original") << "unet-unknown-original" << "model.diffusion_model.input_blocks.9.0.in_layers.0.weight";
        QTest::newRow("config") << "unet-config" << "unet: config.json is not valid JSON.";
        QTest::newRow("residual count") << "residual-count" << "unet: the ControlNet gave 3 down residuals";
        QTest::newRow("residual shape") << "residual-shape" << "unet: the ControlNet's down residual 2 has the shape";
    }
    void badWeightsAreRefusedWithoutLoadingHalf() {
        QFETCH(QString, scenario);
        QFETCH(QString, message);
        bool unchanged = false;
        const QString got = QString::fromStdString(badInput(dir, scenario.toStdString(), unchanged));
        qInfo("%s", qPrintable(got));
        QVERIFY2(got.contains(message), qPrintable(got));
        QVERIFY(unchanged);
    }
};

QTEST_GUILESS_MAIN(TestSdUNetParity)
#include "tst_sd_unetparity.moc"

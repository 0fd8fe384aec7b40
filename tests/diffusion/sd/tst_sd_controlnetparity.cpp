// ControlNetModel against the reference (diffusers v0.25.1) on the tiny fixtures, from the diffusers layout
// and the ControlNet v1.1 single-file layout (control_model.*): its residuals (conditioning scale 0.75),
// and our ControlNet feeding our UNet; the control image must matter; bad weights and shapes are refused.
#include <QtTest>

#include "UNetParity.h"

using namespace sem::diffusion::sd::test;

class TestSdControlNetParity : public QObject {
    Q_OBJECT
    const std::string dir = SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures";
    static constexpr double kTolerance = 1e-4;

private slots:
    void residualsMatchReference_data() {
        QTest::addColumn<bool>("singleFile");
        QTest::addColumn<QString>("t");
        for (bool single : {false, true})
            for (const char* t : {"t0", "t1"})
                QTest::addRow("%s %s", single ? "single-file" : "diffusers", t) << single << QString(t);
    }
    void residualsMatchReference() {
        QFETCH(bool, singleFile);
        QFETCH(QString, t);
        const Layout layout = singleFile ? Layout::SingleFile : Layout::Diffusers;
        const double res = controlNetError(dir, layout, t.toStdString());
        const double out = controlledUNetError(dir, layout, t.toStdString());
        qInfo("residuals: max relative error %.3g; UNet output: %.3g", res, out);
        QVERIFY2(res < kTolerance, qPrintable(QString::number(res)));
        QVERIFY2(out < kTolerance, qPrintable(QString::number(out)));
    }

    // The checks can fail, and the control image really drives the output.
    void perturbedOrBlankControlFails() {
        const double perturbed = controlNetError(dir, Layout::Diffusers, "t0", 1.0);
        const double blank = controlledUNetError(dir, Layout::Diffusers, "t0", true);
        qInfo("perturbed control row: %.3g; blank control image: %.3g", perturbed, blank);
        QVERIFY(perturbed > 100 * kTolerance);
        QVERIFY(blank > 0.05);
    }

    void badInputIsRefused_data() {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << "controlnet-missing" << "controlnet: the weights lack the tensor 'controlnet_down_blocks.3.weight'.";
        QTest::newRow("shape") << "controlnet-shape" << "'controlnet_cond_embedding.conv_out.weight' has the shape [7, 16, 3, 3], expected [8, 16, 3, 3]";
        QTest::newRow("unknown original") << "controlnet-unknown-original" << "control_model.zero_convs.9.0.weight";
        QTest::newRow("config") << "controlnet-config" << "controlnet: config.json is not valid JSON.";
        QTest::newRow("does not fit the unet") << "controlnet-wrong-unet" << "controlnet: its block_out_channels does not fit the UNet's";
        QTest::newRow("control image size") << "control-image-size" << "controlnet: the control image must be [2, 3, 128, 128]";
    }
    void badInputIsRefused() {
        QFETCH(QString, scenario);
        QFETCH(QString, message);
        bool unchanged = false;
        const QString got = QString::fromStdString(badInput(dir, scenario.toStdString(), unchanged));
        qInfo("%s", qPrintable(got));
        QVERIFY2(got.contains(message), qPrintable(got));
        QVERIFY(unchanged);
    }
};

QTEST_GUILESS_MAIN(TestSdControlNetParity)
#include "tst_sd_controlnetparity.moc"

// A whole Stable Diffusion + ControlNet decode against diffusers' own pipelines, on a tiny random
// model (tests/diffusion/sd/fixtures/pipeline, made by reference/make_pipeline_fixtures.py).
#include <QtTest>

#include "SdPipelineParity.h"

using namespace sem::diffusion::checks;

namespace {
const std::string kFixtures = SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/pipeline";
}

class TestSdPipeline : public QObject {
    Q_OBJECT

private slots:
    void textToImageMatchesDiffusers_data() {
        QTest::addColumn<int>("layout");
        QTest::newRow("diffusers folder") << static_cast<int>(Layout::Diffusers);
        QTest::newRow("single files") << static_cast<int>(Layout::SingleFile);
    }
    void textToImageMatchesDiffusers() {
        QFETCH(int, layout);
        const PipelineComparison c = textToImage(kFixtures, static_cast<Layout>(layout));
        qInfo("text-to-image: max error %g (%.1f dB)", c.maxAbsError, c.psnr);
        QVERIFY2(c.maxAbsError < 1e-3, qPrintable(QString("max error %1, %2 dB").arg(c.maxAbsError).arg(c.psnr)));
    }
    void imageToImageMatchesDiffusers() {
        const PipelineComparison c = imageToImage(kFixtures, Layout::Diffusers);
        qInfo("img2img: max error %g (%.1f dB)", c.maxAbsError, c.psnr);
        QVERIFY2(c.maxAbsError < 1e-3, qPrintable(QString("max error %1, %2 dB").arg(c.maxAbsError).arg(c.psnr)));
    }
    // The check can fail: the control image and the caption each change the decode by far more than
    // the tolerance, so an implementation that ignored either would not pass.
    void theControlAndTheCaptionMatter() {
        const PipelineComparison blank = textToImage(kFixtures, Layout::Diffusers, true);
        qInfo("blank control %.1f dB", blank.psnr);
        QVERIFY2(blank.psnr < 35.0, qPrintable(QString::number(blank.psnr)));
        const PipelineComparison other = textToImage(kFixtures, Layout::Diffusers, false, true);
        qInfo("other caption %.1f dB", other.psnr);
        QVERIFY2(other.psnr < 35.0, qPrintable(QString::number(other.psnr)));
        const PipelineComparison blankImg2img = imageToImage(kFixtures, Layout::Diffusers, true);
        qInfo("img2img, blank control %.1f dB", blankImg2img.psnr);
        QVERIFY2(blankImg2img.psnr < 35.0, qPrintable(QString::number(blankImg2img.psnr)));
    }
    void theEngineDecodesTheSame() {
        const PipelineComparison c = backendTextToImage(kFixtures);
        qInfo("through the engine (8-bit): max error %g", c.maxAbsError);
        // 8-bit output: within one level of the reference's rounding.
        QVERIFY2(c.maxAbsError <= 1.0 / 255.0 + 1e-3, qPrintable(QString("max error %1").arg(c.maxAbsError)));
    }
};

QTEST_GUILESS_MAIN(TestSdPipeline)
#include "tst_sd_pipeline.moc"

// Regression test of the shipped model (models/default): a fidelity decode of a synthetic fixture
// must beat the hint-only bicubic reconstruction of the same file's hint, sampled decodes must draw
// its outlines crisper, and without a hint its caption prior must take tone and colour from the
// caption's words.
#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "cli/eval/SharpnessStats.h"
#include "core/metrics/Metrics.h"
#include "core/pipeline/Decoder.h"
#include "core/pipeline/Encoder.h"

namespace {

// 256x192: smooth background gradients and flat objects with hard outlines (what edges + hint carry).
cv::Mat fixture() {
    cv::Mat m(192, 256, CV_8UC3);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(160 + y / 3), static_cast<uchar>(120 + x / 4),
                                              static_cast<uchar>(60 + (x + y) / 8));
    cv::rectangle(m, cv::Rect(20, 100, 90, 70), cv::Scalar(30, 40, 170), cv::FILLED);
    cv::circle(m, cv::Point(180, 70), 40, cv::Scalar(20, 160, 230), cv::FILLED);
    cv::rectangle(m, cv::Rect(130, 130, 100, 24), cv::Scalar(90, 60, 30), cv::FILLED);
    cv::line(m, cv::Point(0, 60), cv::Point(120, 20), cv::Scalar(240, 240, 240), 3);
    return m;
}

// The fixture coded for `decoder` with edges 1/4, the given hint factor (0 = none) and caption.
sem::SemFile encodeFixture(const sem::Decoder& decoder, int hintFactor, const std::string& caption) {
    sem::EncodeOptions o;
    o.canny.scaleDenominator = 4;
    o.hint.factor = hintFactor;
    o.caption = caption;
    o.writeMetadata = false;
    o.modelId = decoder.modelId32();
    return sem::Encoder::encode(fixture(), o).file;
}

// The one-step decode without guidance.
sem::DecodeRequest fidelityRequest() {
    sem::DecodeRequest request;
    request.fidelity = true;
    request.guidance = 1.0f;
    return request;
}

}  // namespace

class DefaultModelTest : public QObject {
    Q_OBJECT
private slots:
    void fidelityBeatsHintOnly() {
        const cv::Mat image = fixture();
        sem::Decoder decoder(SEM_SOURCE_DIR "/models/default", "cpu");
        const sem::SemFile file = encodeFixture(decoder, 16, "a red box and an orange ball on a blue background");
        const double model = sem::metrics::psnr(image, decoder.decode(file, fidelityRequest()).image);
        const double hintOnly = sem::metrics::psnr(
            image, sem::HintCodec::decodeUpsampled(file.hint->data(), file.hint->size(), image.cols, image.rows));
        qInfo("fidelity decode %.3f dB, hint-only bicubic %.3f dB", model, hintOnly);
        QVERIFY2(model > hintOnly, qPrintable(QString("model %1 dB, hint only %2 dB").arg(model).arg(hintOnly)));
    }

    // The shipped model predicts x0, so a sampled decode keeps no noise: it stays near the
    // fidelity decode (a v model of this architecture gave ~11 dB of noise here).
    void sampledDecodeIsNotNoise() {
        const cv::Mat image = fixture();
        sem::Decoder decoder(SEM_SOURCE_DIR "/models/default", "cpu");
        const sem::SemFile file = encodeFixture(decoder, 16, "");
        sem::DecodeRequest sampled;
        sampled.steps = 20;
        sampled.strength = 1.0f;  // from pure noise, the harder case
        sampled.seed = 1;
        const double f = sem::metrics::psnr(image, decoder.decode(file, fidelityRequest()).image);
        const double s = sem::metrics::psnr(image, decoder.decode(file, sampled).image);
        qInfo("fidelity %.3f dB, sampled (DPM++ 20 steps) %.3f dB", f, s);
        QVERIFY2(s > f - 2.0, qPrintable(QString("sampled %1 dB, fidelity %2 dB").arg(s).arg(f)));
    }

    // Sampled decodes from pure noise draw the fixture's outlines crisper than the fidelity decode
    // (edge contrast: the mean gradient on its Canny boundaries), and the model's edge guidance (the
    // default guidance 2) crisper than an unguided sampled decode.
    void sampledDecodeDrawsEdgesCrisper() {
        const cv::Mat image = fixture();
        sem::Decoder decoder(SEM_SOURCE_DIR "/models/default", "cpu");
        const sem::SemFile file = encodeFixture(decoder, 16, "");
        const cv::Mat boundary = sem::cli::SharpnessStats::boundaryMask(image);
        auto contrast = [&](const cv::Mat& bgr) { return sem::cli::SharpnessStats::meanGradient(bgr, boundary, true); };
        sem::DecodeRequest sampled;
        sampled.steps = 20;
        sampled.strength = 1.0f;
        sampled.seed = 1;
        const double guided = contrast(decoder.decode(file, sampled).image);
        sampled.guidance = 1.0f;
        const double unguided = contrast(decoder.decode(file, sampled).image);
        const double fidelity = contrast(decoder.decode(file, fidelityRequest()).image);
        qInfo("edge contrast: fidelity %.1f, sampled unguided %.1f, sampled with edge guidance 2 %.1f, original %.1f",
              fidelity, unguided, guided, contrast(image));
        QVERIFY2(unguided > fidelity && guided > 1.2 * unguided,
                 qPrintable(QString("fidelity %1, unguided %2, guided %3").arg(fidelity).arg(unguided).arg(guided)));
    }

    // The default sampled decode (strength 0.35: the last 7 of 20 steps from the first step's
    // prediction) draws the outlines crisper than the fidelity decode while staying closer to the
    // image than a decode from pure noise, with less texture energy away from the outlines.
    void defaultStrengthIsSharperThanFidelityAndCleanerThanNoise() {
        const cv::Mat image = fixture();
        sem::Decoder decoder(SEM_SOURCE_DIR "/models/default", "cpu");
        const sem::SemFile file = encodeFixture(decoder, 16, "");
        const cv::Mat boundary = sem::cli::SharpnessStats::boundaryMask(image);
        using Stats = sem::cli::SharpnessStats;
        sem::DecodeRequest request;
        request.steps = 20;
        request.seed = 1;
        const cv::Mat byDefault = decoder.decode(file, request).image;
        request.strength = 1.0f;
        const cv::Mat fromNoise = decoder.decode(file, request).image;
        const cv::Mat fidelity = decoder.decode(file, fidelityRequest()).image;
        const double edgeDefault = Stats::meanGradient(byDefault, boundary, true),
                     edgeFidelity = Stats::meanGradient(fidelity, boundary, true);
        const double offDefault = Stats::meanGradient(byDefault, boundary, false),
                     offNoise = Stats::meanGradient(fromNoise, boundary, false);
        const double psnrDefault = sem::metrics::psnr(image, byDefault), psnrNoise = sem::metrics::psnr(image, fromNoise);
        qInfo("strength 0.35: edge contrast %.1f (fidelity %.1f), off-edge gradient %.1f (from noise %.1f), "
              "%.2f dB (from noise %.2f dB)", edgeDefault, edgeFidelity, offDefault, offNoise, psnrDefault, psnrNoise);
        QVERIFY2(edgeDefault > 1.2 * edgeFidelity && offDefault < offNoise && psnrDefault > psnrNoise,
                 qPrintable(QString("edge contrast %1 vs fidelity %2, off-edge %3 vs from noise %4, %5 vs %6 dB")
                                .arg(edgeDefault).arg(edgeFidelity).arg(offDefault).arg(offNoise)
                                .arg(psnrDefault).arg(psnrNoise)));
    }

    void captionSetsToneWithoutHint_data() {
        QTest::addColumn<QString>("brighter");
        QTest::addColumn<QString>("darker");
        QTest::addColumn<int>("channel");  // BGR channel compared, -1 = mean of all
        QTest::newRow("snow vs night") << "a person skiing down a snowy white slope" << "a dark street at night" << -1;
        QTest::newRow("grass is green") << "a dog running on the green grass" << "a dog running on the red carpet" << 1;
        QTest::newRow("sea is blue") << "a boat on the blue ocean under a blue sky" << "a man in a red shirt by a brown wall" << 0;
    }

    void captionSetsToneWithoutHint() {
        QFETCH(QString, brighter);
        QFETCH(QString, darker);
        QFETCH(int, channel);
        sem::Decoder decoder(SEM_SOURCE_DIR "/models/default", "cpu");
        auto meanOf = [&](const QString& caption) {
            const cv::Scalar m =
                cv::mean(decoder.decode(encodeFixture(decoder, 0, caption.toStdString()), fidelityRequest()).image);
            return channel < 0 ? (m[0] + m[1] + m[2]) / 3 : m[channel];
        };
        const double a = meanOf(brighter), b = meanOf(darker);
        qInfo("%.1f vs %.1f", a, b);
        QVERIFY2(a > b + 5, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
    }
};

QTEST_GUILESS_MAIN(DefaultModelTest)
#include "tst_defaultmodel.moc"

#include "core/baselines/AvifCodec.h"
#include "core/baselines/Baselines.h"
#include "core/common/Error.h"
#include "core/metrics/Metrics.h"

#include <QtTest>

#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

Q_DECLARE_METATYPE(sem::BaselineCodec)

namespace {

// A synthetic 256x192 textured image: smooth gradients, stripes, a few shapes and mild noise,
// so that every codec has something to spend bits on.
cv::Mat texturedImage() {
    cv::Mat m(192, 256, CV_8UC3);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
            const double s = std::sin(x * 0.15) * std::cos(y * 0.11);
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(120 + 80 * s + y * 0.3),
                                              cv::saturate_cast<uchar>(60 + x * 0.6),
                                              cv::saturate_cast<uchar>(200 - 90 * std::sin((x + y) * 0.04)));
        }
    cv::circle(m, cv::Point(80, 90), 40, cv::Scalar(20, 200, 40), -1);
    cv::rectangle(m, cv::Rect(150, 30, 70, 50), cv::Scalar(240, 240, 240), -1);
    cv::line(m, cv::Point(0, 180), cv::Point(255, 100), cv::Scalar(0, 0, 0), 3);
    cv::Mat noise(m.size(), CV_8UC3);
    cv::RNG rng(7);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 12);
    m += noise;
    return m;
}

}  // namespace

class TestBaselines : public QObject {
    Q_OBJECT
private:
    const cv::Mat image_ = texturedImage();

    void addCodecRows() {
        QTest::addColumn<sem::BaselineCodec>("codec");
        for (const sem::BaselineCodec c : sem::Baselines::all())
            QTest::newRow(sem::Baselines::name(c).c_str()) << c;
    }

private slots:
    void everyCodecIsAvailable() {
        // Debian 12 ships libjpeg, libwebp, OpenJPEG and libavif with aom.
        for (const sem::BaselineCodec c : sem::Baselines::all())
            QVERIFY2(sem::Baselines::isAvailable(c), sem::Baselines::name(c).c_str());
        QVERIFY(std::string(sem::AvifCodec::encoderName()).size() > 0);
    }

    void roundTrip_data() { addCodecRows(); }
    void roundTrip() {
        QFETCH(sem::BaselineCodec, codec);
        const int quality = codec == sem::BaselineCodec::Jp2 ? 100 : 70;
        const int downscale = codec == sem::BaselineCodec::WebpDownscale ? 2 : 1;
        const sem::BaselineResult r = sem::Baselines::encodeDecode(image_, codec, quality, downscale);
        QCOMPARE(r.decoded.size(), image_.size());
        QCOMPARE(r.decoded.type(), CV_8UC3);
        QVERIFY(r.bytes > 0);
        QCOMPARE(r.bpp, sem::metrics::bpp(r.bytes, image_.cols, image_.rows));
        QCOMPARE(r.downscale, downscale);
        QVERIFY(r.bpp < 24.0);
        const double p = sem::metrics::psnr(image_, r.decoded);
        QVERIFY2(p > 22.0, qPrintable(QString("PSNR %1").arg(p)));
    }

    void atTargetIsUnderTargetAndImproves_data() { addCodecRows(); }
    void atTargetIsUnderTargetAndImproves() {
        QFETCH(sem::BaselineCodec, codec);
        const std::vector<double> targets = {0.3, 1.0};
        const std::vector<sem::BaselineResult> rs = sem::Baselines::atTargetBpps(image_, codec, targets);
        QCOMPARE(rs.size(), targets.size());
        double lastPsnr = 0.0;
        for (std::size_t i = 0; i < rs.size(); ++i) {
            QVERIFY2(rs[i].reached, qPrintable(QString("target %1").arg(targets[i])));
            QVERIFY(rs[i].bpp <= targets[i]);
            QCOMPARE(rs[i].decoded.size(), image_.size());
            const double p = sem::metrics::psnr(image_, rs[i].decoded);
            QVERIFY2(p > lastPsnr, qPrintable(QString("PSNR %1 after %2").arg(p).arg(lastPsnr)));
            lastPsnr = p;
        }
        // The search picks the largest quality that fits: one step higher does not fit.
        if (codec != sem::BaselineCodec::WebpDownscale && rs[0].quality < sem::Baselines::maxQuality(codec)) {
            const sem::BaselineResult above = sem::Baselines::encodeDecode(image_, codec, rs[0].quality + 1);
            QVERIFY(above.bpp > targets[0] || above.bytes == rs[0].bytes);
        }
        // The single-target call agrees with the batched one.
        const sem::BaselineResult single = sem::Baselines::atTargetBpp(image_, codec, targets[0]);
        QCOMPARE(single.bytes, rs[0].bytes);
        QCOMPARE(single.quality, rs[0].quality);
    }

    void stopEndsTheSearchBeforeTheNextEncode_data() { addCodecRows(); }
    void stopEndsTheSearchBeforeTheNextEncode() {
        QFETCH(sem::BaselineCodec, codec);
        const std::vector<double> targets = {0.1, 0.3, 1.0, 2.0};
        // The first target alone: the check is asked before the target and before each encode.
        int soloCalls = 0;
        const auto solo = sem::Baselines::atTargetBpps(image_, codec, {targets[0]}, [&] {
            ++soloCalls;
            return false;
        });
        QCOMPARE(solo.size(), std::size_t(1));
        QVERIFY(soloCalls >= 2);
        // All targets, stopping at the first check after the first target's search: that target's
        // result comes back, and nothing else is searched or encoded.
        int calls = 0;
        const auto partial = sem::Baselines::atTargetBpps(image_, codec, targets, [&] { return ++calls > soloCalls; });
        QCOMPARE(partial.size(), std::size_t(1));
        QCOMPARE(partial[0].bytes, solo[0].bytes);
        QCOMPARE(calls, soloCalls + 1);
        // Stopping before the first encode of the first search: no result, one encode never run.
        calls = 0;
        const auto none = sem::Baselines::atTargetBpps(image_, codec, targets, [&] { return ++calls > 1; });
        QVERIFY(none.empty());
        QCOMPARE(calls, 2);
        // Never stopping: every target.
        QCOMPARE(sem::Baselines::atTargetBpps(image_, codec, targets, [] { return false; }).size(), targets.size());
    }

    void jpegCannotReachTinyTarget() {
        const sem::BaselineResult r = sem::Baselines::atTargetBpp(image_, sem::BaselineCodec::Jpeg, 0.005);
        QVERIFY(!r.reached);
        QCOMPARE(r.quality, 1);
        QVERIFY(r.bpp > 0.005);
        QCOMPARE(r.decoded.size(), image_.size());
    }

    void webpDownscaleReachesTinyTarget() {
        const sem::BaselineResult r = sem::Baselines::atTargetBpp(image_, sem::BaselineCodec::WebpDownscale, 0.01);
        QVERIFY(r.reached);
        QVERIFY(r.bpp <= 0.01);
        QVERIFY(r.downscale > 1);
        QCOMPARE(r.decoded.size(), image_.size());
        QCOMPARE(r.decoded.type(), CV_8UC3);
    }

    void downscaleFactors() {
        const std::vector<int> f = sem::Baselines::downscaleFactors(256, 192);
        const std::vector<int> expected = {1, 2, 3, 4, 6, 8, 12, 16, 24};
        QCOMPARE(f, expected);
        QCOMPARE(sem::Baselines::downscaleFactors(5, 5), std::vector<int>{1});
    }

    void nameParseRoundTrip() {
        for (const sem::BaselineCodec c : sem::Baselines::all()) {
            const std::optional<sem::BaselineCodec> back = sem::Baselines::parse(sem::Baselines::name(c));
            QVERIFY(back.has_value());
            QVERIFY(*back == c);
        }
        QVERIFY(sem::Baselines::parse("WebP-Downscale") == sem::BaselineCodec::WebpDownscale);
        QVERIFY(!sem::Baselines::parse("png").has_value());
        QVERIFY(!sem::Baselines::parse("").has_value());
    }

    void avifQualityMapping() {
        QCOMPARE(sem::AvifCodec::quantizerForQuality(1), 63);
        QCOMPARE(sem::AvifCodec::quantizerForQuality(100), 0);
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::AvifCodec::quantizerForQuality(0));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::AvifCodec::decode({1, 2, 3, 4}));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::AvifCodec::decode({}));
        // A real file cut in half, and one with its payload overwritten, must fail cleanly.
        std::vector<std::uint8_t> file = sem::AvifCodec::encode(image_, 50);
        QCOMPARE(sem::AvifCodec::decode(file).size(), image_.size());
        std::vector<std::uint8_t> half(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(file.size() / 2));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::AvifCodec::decode(half));
        for (std::size_t i = 0; i < 64 && i < file.size(); ++i) file[i] = static_cast<std::uint8_t>(0xA5 ^ i);
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::AvifCodec::decode(file));
    }

    void badInputsThrow() {
        using sem::Baselines;
        using sem::BaselineCodec;
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(cv::Mat(), BaselineCodec::Jpeg, 50));
        const cv::Mat gray(32, 32, CV_8UC1, cv::Scalar(5));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(gray, BaselineCodec::Webp, 50));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(image_, BaselineCodec::Jpeg, 0));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(image_, BaselineCodec::Jpeg, 101));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(image_, BaselineCodec::Jp2, 1001));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(image_, BaselineCodec::Webp, 50, 0));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(image_, BaselineCodec::Webp, 50, 500));
        const cv::Mat tiny(20, 20, CV_8UC3, cv::Scalar(1, 2, 3));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::encodeDecode(tiny, BaselineCodec::Jp2, 500));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::atTargetBpp(image_, BaselineCodec::Jpeg, 0.0));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::atTargetBpp(image_, BaselineCodec::Jpeg, -1.0));
        QVERIFY_THROWS_EXCEPTION(sem::Error, Baselines::atTargetBpp(image_, BaselineCodec::Jpeg, std::nan("")));
    }
};

QTEST_GUILESS_MAIN(TestBaselines)
#include "tst_baselines.moc"

#include "core/common/Error.h"
#include "core/hint/HintCodec.h"

#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

using sem::HintCodec;
using sem::HintParams;
using Bytes = std::vector<std::uint8_t>;

namespace {

const int kFactors[] = {4, 8, 16, 32, 64};
const int kCodecs[] = {HintCodec::kCodecVp8, HintCodec::kCodecPlanar};

cv::Mat noiseImage(int w, int h, std::uint64_t seed)
{
    cv::Mat m(h, w, CV_8UC3);
    cv::RNG rng(seed);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

cv::Mat gradientImage(int w, int h)
{
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(40 + 160 * x / w),
                                              static_cast<std::uint8_t>(30 + 180 * y / h),
                                              static_cast<std::uint8_t>(60 + 60 * (x + y) / (w + h)));
    return m;
}

double psnr(const cv::Mat& a, const cv::Mat& b)
{
    const double mse = cv::norm(a, b, cv::NORM_L2SQR) / static_cast<double>(a.total() * 3);
    return mse <= 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// Decodes and reports whether it was refused with a "hint stream: " error.
bool refused(const Bytes& b, int w, int h)
{
    try {
        HintCodec::decodeThumbnail(b.data(), b.size(), w, h);
    } catch (const sem::Error& e) {
        return QString::fromUtf8(e.what()).startsWith("hint stream: ");
    }
    return false;
}

}  // namespace

class TestHintCodec : public QObject {
    Q_OBJECT
private slots:
    void roundTripSizes()
    {
        const cv::Size sizes[] = {{1, 1}, {7, 13}, {65, 33}, {129, 97}, {300, 1}, {481, 321}};
        for (const cv::Size& s : sizes) {
            const cv::Mat img = noiseImage(s.width, s.height, static_cast<std::uint64_t>(s.area()));
            for (int f : kFactors) {
                const cv::Size t((s.width + f - 1) / f, (s.height + f - 1) / f);
                QCOMPARE(HintCodec::thumbnailSize(s.width, s.height, f), t);
                for (int codec : kCodecs) {
                    const Bytes b = HintCodec::encodeThumbnail(HintCodec::makeThumbnail(img, f), f, 50, codec);
                    QCOMPARE(b.at(0) >> 4, codec);
                    const cv::Mat thumb = HintCodec::decodeThumbnail(b.data(), b.size(), s.width, s.height);
                    QCOMPARE(thumb.size(), t);
                    QCOMPARE(thumb.type(), CV_8UC3);
                }
                const Bytes b = HintCodec::encode(img, HintParams{f, -1});
                const cv::Mat up = HintCodec::decodeUpsampled(b.data(), b.size(), s.width, s.height);
                QCOMPARE(up.size(), s);
                QCOMPARE(up.type(), CV_8UC3);
            }
        }
    }

    void planarIsNearLosslessAtTopQuality()
    {
        const cv::Mat img = gradientImage(200, 150);
        const cv::Mat thumb = HintCodec::makeThumbnail(img, 8);
        const Bytes b = HintCodec::encodeThumbnail(thumb, 8, 100, HintCodec::kCodecPlanar);
        const cv::Mat dec = HintCodec::decodeThumbnail(b.data(), b.size(), 200, 150);
        // Step 1 for luma and chroma: only colour conversion and chroma subsampling remain.
        QVERIFY2(psnr(dec, thumb) > 38.0, qPrintable(QString::number(psnr(dec, thumb))));
    }

    void smoothGradientHintHasHighPsnr()
    {
        // A smooth image is what a thumbnail can carry: the hint alone must reconstruct it well
        // (bicubic upsampling of a few samples limits the PSNR at large factors).
        const cv::Mat img = gradientImage(256, 192);
        const double minDb[] = {29.5, 30.5, 27.0, 23.5};  // measured 31.4, 32.7, 28.9, 25.2
        for (int i = 0; i < 4; ++i) {
            const int f = kFactors[i];
            const Bytes b = HintCodec::encode(img, HintParams{f, -1});
            const cv::Mat up = HintCodec::decodeUpsampled(b.data(), b.size(), img.cols, img.rows);
            cv::Mat reference;
            cv::resize(HintCodec::makeThumbnail(img, f), reference, img.size(), 0, 0, cv::INTER_CUBIC);
            const double db = psnr(up, img);
            const double refDb = psnr(reference, img);
            const QString what = QString("factor %1: %2 dB (uncoded %3 dB), %4 bytes").arg(f).arg(db).arg(refDb).arg(b.size());
            QVERIFY2(db > minDb[i], qPrintable(what));
            QVERIFY2(b.size() < 200, qPrintable(what));
        }
    }

    void noHint()
    {
        const cv::Mat img = gradientImage(64, 48);
        QVERIFY(HintCodec::encode(img, HintParams{0, -1}).empty());
        QVERIFY(HintCodec::decodeThumbnail(nullptr, 0, 64, 48).empty());
        QVERIFY(HintCodec::decodeUpsampled(nullptr, 0, 64, 48).empty());
    }

    void invalidParamsRefused()
    {
        const cv::Mat img = gradientImage(64, 48);
        QVERIFY_THROWS_EXCEPTION(sem::Error, HintCodec::encode(img, HintParams{12, -1}));
        QVERIFY_THROWS_EXCEPTION(sem::Error, HintCodec::encode(img, HintParams{8, 0}));
        QVERIFY_THROWS_EXCEPTION(sem::Error, HintCodec::encode(img, HintParams{8, 101}));
        QVERIFY_THROWS_EXCEPTION(sem::Error, HintCodec::encode(cv::Mat(), HintParams{8, -1}));
        cv::Mat gray(48, 64, CV_8UC1, cv::Scalar(10));
        QVERIFY_THROWS_EXCEPTION(sem::Error, HintCodec::encode(gray, HintParams{8, -1}));
        QVERIFY_THROWS_EXCEPTION(sem::Error, HintCodec::encodeThumbnail(img, 8, 50, 7));
    }

    void mismatchedSizeRefused()
    {
        const cv::Mat img = noiseImage(100, 80, 5);
        for (int codec : kCodecs) {
            const Bytes b = HintCodec::encodeThumbnail(HintCodec::makeThumbnail(img, 8), 8, 50, codec);
            QVERIFY(!refused(b, 100, 80));
            QVERIFY(!refused(b, 97, 73));     // same 13x10 thumbnail
            QVERIFY(refused(b, 120, 80));     // 15x10
            QVERIFY(refused(b, 100, 81));     // 13x11
            QVERIFY(refused(b, 0, 80));
            QVERIFY(refused(b, 100000, 80));  // over the side limit, refused before anything else
        }
    }

    void malformedHeadersRefused()
    {
        const cv::Mat img = noiseImage(100, 80, 6);
        for (int codec : kCodecs) {
            Bytes b = HintCodec::encodeThumbnail(HintCodec::makeThumbnail(img, 16), 16, 50, codec);
            Bytes unknownCodec = b;
            unknownCodec[0] = static_cast<std::uint8_t>((5 << 4) | 4);
            QVERIFY(refused(unknownCodec, 100, 80));
            Bytes badFactor = b;
            badFactor[0] = static_cast<std::uint8_t>((codec << 4) | 2);
            QVERIFY(refused(badFactor, 100, 80));
            Bytes otherFactor = b;
            otherFactor[0] = static_cast<std::uint8_t>((codec << 4) | 3);  // claims 8: size mismatch
            QVERIFY(refused(otherFactor, 100, 80));
        }
        QVERIFY(refused(Bytes{0x23, 0x01}, 100, 80));  // planar step 1, nothing more
        Bytes hugeStep = HintCodec::encodeThumbnail(HintCodec::makeThumbnail(img, 16), 16, 50, HintCodec::kCodecPlanar);
        hugeStep[1] = 200;
        QVERIFY(refused(hugeStep, 100, 80));
    }

    void truncatedAndExtendedPayloadsRefused()
    {
        const cv::Mat img = noiseImage(120, 90, 7);
        for (int codec : kCodecs) {
            for (int f : kFactors) {
                const Bytes full = HintCodec::encodeThumbnail(HintCodec::makeThumbnail(img, f), f, 60, codec);
                for (std::size_t n = 1; n < full.size(); ++n)
                    QVERIFY(refused(Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)), 120, 90));
                Bytes longer = full;
                longer.push_back(0);
                QVERIFY(refused(longer, 120, 90));
            }
        }
    }

    void bitFlipsNeverCrash()
    {
        const cv::Mat img = noiseImage(150, 100, 8);
        for (int codec : kCodecs) {
            const Bytes full = HintCodec::encodeThumbnail(HintCodec::makeThumbnail(img, 16), 16, 50, codec);
            for (std::size_t bit = 0; bit < full.size() * 8; ++bit) {
                Bytes b = full;
                b[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
                try {
                    const cv::Mat t = HintCodec::decodeThumbnail(b.data(), b.size(), 150, 100);
                    QCOMPARE(t.size(), cv::Size(10, 7));
                } catch (const sem::Error&) {
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestHintCodec)
#include "tst_hintcodec.moc"

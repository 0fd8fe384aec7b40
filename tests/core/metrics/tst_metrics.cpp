#include "core/common/Error.h"
#include "core/metrics/Metrics.h"

#include <QtTest>

#include <cmath>
#include <limits>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace {

constexpr double kC1 = 6.5025;   // (0.01 * 255)^2
constexpr double kC2 = 58.5225;  // (0.03 * 255)^2

// A deterministic textured BGR image with values in [40, 215] (room for +-40 shifts).
cv::Mat textured(int w, int h) {
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double v = 127.5 + 45.0 * std::sin(x * 0.21) * std::cos(y * 0.13) +
                             40.0 * std::sin((x + 2 * y) * 0.05);
            const int b = static_cast<int>(v);
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(b), static_cast<uchar>((b * 3 + x) % 176 + 40),
                                              static_cast<uchar>(255 - b));
        }
    return m;
}

cv::Mat noisy(const cv::Mat& src, double sigma) {
    cv::RNG rng(12345);
    cv::Mat noise(src.size(), CV_16SC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, sigma);
    cv::Mat out;
    cv::Mat s16;
    src.convertTo(s16, CV_16SC3);
    cv::add(s16, noise, s16);
    s16.convertTo(out, CV_8UC3);  // saturating
    return out;
}

double luminanceTerm(double a, double b) {
    return (2.0 * a * b + kC1) / (a * a + b * b + kC1);
}

// Straight-from-the-paper SSIM of one channel: every 11x11 window fully inside the image,
// Gaussian weights (sigma 1.5, normalised), weighted means / variances / covariance.
double naiveSsimChannel(const cv::Mat& a, const cv::Mat& b, int ch) {
    double w[11][11], total = 0.0;
    for (int i = 0; i < 11; ++i)
        for (int j = 0; j < 11; ++j) {
            w[i][j] = std::exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2.0 * 1.5 * 1.5));
            total += w[i][j];
        }
    double sum = 0.0;
    int count = 0;
    for (int y = 0; y + 11 <= a.rows; ++y)
        for (int x = 0; x + 11 <= a.cols; ++x) {
            double mx = 0, my = 0;
            for (int i = 0; i < 11; ++i)
                for (int j = 0; j < 11; ++j) {
                    mx += w[i][j] / total * a.at<cv::Vec3b>(y + i, x + j)[ch];
                    my += w[i][j] / total * b.at<cv::Vec3b>(y + i, x + j)[ch];
                }
            double vx = 0, vy = 0, cxy = 0;
            for (int i = 0; i < 11; ++i)
                for (int j = 0; j < 11; ++j) {
                    const double dx = a.at<cv::Vec3b>(y + i, x + j)[ch] - mx;
                    const double dy = b.at<cv::Vec3b>(y + i, x + j)[ch] - my;
                    vx += w[i][j] / total * dx * dx;
                    vy += w[i][j] / total * dy * dy;
                    cxy += w[i][j] / total * dx * dy;
                }
            sum += (2 * mx * my + kC1) * (2 * cxy + kC2) / ((mx * mx + my * my + kC1) * (vx + vy + kC2));
            ++count;
        }
    return sum / count;
}

}  // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private slots:
    void psnrOfConstantDifference() {
        const cv::Mat a = textured(64, 48);
        cv::Mat b = a + cv::Scalar(5, 5, 5);
        // MSE = 25 -> 10 log10(255^2 / 25) = 10 log10(2601)
        QVERIFY(std::abs(sem::metrics::psnr(a, b) - 34.151403521958725) < 1e-9);
        QVERIFY(std::abs(sem::metrics::psnrY(a, b) - 34.151403521958725) < 1e-9);
        // Only one channel differs by 6: MSE = 36 / 3 = 12.
        cv::Mat c = a + cv::Scalar(0, 0, 6);
        QVERIFY(std::abs(sem::metrics::psnr(a, c) - 10.0 * std::log10(65025.0 / 12.0)) < 1e-9);
        // Luma of a red-only shift of 6: Y moves by 0.299 * 6.
        const double dy = 0.299 * 6.0;
        QVERIFY(std::abs(sem::metrics::psnrY(a, c) - 10.0 * std::log10(65025.0 / (dy * dy))) < 1e-9);
    }

    void psnrOfIdenticalIsInfinite() {
        const cv::Mat a = textured(40, 30);
        QVERIFY(std::isinf(sem::metrics::psnr(a, a)));
        QVERIFY(sem::metrics::psnr(a, a) > 0);
        QVERIFY(std::isinf(sem::metrics::psnrY(a, a.clone())));
    }

    void ssimOfIdenticalIsOne() {
        const cv::Mat a = textured(96, 80);
        QVERIFY(std::abs(sem::metrics::ssim(a, a) - 1.0) < 1e-12);
        QVERIFY(std::abs(sem::metrics::ssimY(a, a) - 1.0) < 1e-12);
    }

    void ssimOfConstantImagesIsTheLuminanceTerm() {
        // Two constant images: sigma = 0, so the contrast-structure term is C2/C2 = 1 and
        // SSIM = (2ab + C1) / (a^2 + b^2 + C1) per channel.
        cv::Mat a(32, 40, CV_8UC3, cv::Scalar(50, 100, 150));
        cv::Mat b(32, 40, CV_8UC3, cv::Scalar(60, 120, 120));
        const double expected = (luminanceTerm(50, 60) + luminanceTerm(100, 120) + luminanceTerm(150, 120)) / 3.0;
        QVERIFY(std::abs(sem::metrics::ssim(a, b) - expected) < 1e-12);
        // Hand value for 100 vs 110: (22000 + 6.5025) / (22100 + 6.5025).
        cv::Mat c(20, 20, CV_8UC3, cv::Scalar(100, 100, 100));
        cv::Mat d(20, 20, CV_8UC3, cv::Scalar(110, 110, 110));
        QVERIFY(std::abs(sem::metrics::ssim(c, d) - 22006.5025 / 22106.5025) < 1e-12);
    }

    void ssimOfShiftKeepsStructure() {
        // A constant shift keeps variances and covariance, so only the luminance term drops:
        // SSIM stays close to 1 but below it, and far above the SSIM of noise.
        const cv::Mat a = textured(96, 80);
        const cv::Mat b = a + cv::Scalar(10, 10, 10);
        const double s = sem::metrics::ssim(a, b);
        QVERIFY(s < 1.0);
        QVERIFY(s > 0.99);
        QVERIFY(sem::metrics::ssim(a, noisy(a, 20)) < 0.9);
    }

    void ssimMatchesDirectComputation() {
        const cv::Mat a = textured(23, 17);
        const cv::Mat b = noisy(a, 25);
        const double expected =
            (naiveSsimChannel(a, b, 0) + naiveSsimChannel(a, b, 1) + naiveSsimChannel(a, b, 2)) / 3.0;
        QVERIFY(expected < 0.95);
        QVERIFY(std::abs(sem::metrics::ssim(a, b) - expected) < 1e-9);
        // 11 to 21 pixels: 1 or 2 scales, the first of which is plain SSIM.
        cv::Mat c = textured(11, 11), d = noisy(c, 25);
        const double one =
            (naiveSsimChannel(c, d, 0) + naiveSsimChannel(c, d, 1) + naiveSsimChannel(c, d, 2)) / 3.0;
        QVERIFY(std::abs(sem::metrics::msSsim(c, d) - one) < 1e-9);
    }

    void metricsAreSymmetric() {
        const cv::Mat a = textured(200, 180);
        const cv::Mat b = noisy(a, 15);
        QCOMPARE(sem::metrics::psnr(a, b), sem::metrics::psnr(b, a));
        QVERIFY(std::abs(sem::metrics::ssim(a, b) - sem::metrics::ssim(b, a)) < 1e-12);
        QVERIFY(std::abs(sem::metrics::msSsim(a, b) - sem::metrics::msSsim(b, a)) < 1e-12);
        QVERIFY(std::abs(sem::metrics::gmsd(a, b) - sem::metrics::gmsd(b, a)) < 1e-12);
    }

    void msSsimIdenticalAndNoise() {
        const cv::Mat a = textured(200, 180);
        QVERIFY(std::abs(sem::metrics::msSsim(a, a) - 1.0) < 1e-12);
        const double weak = sem::metrics::msSsim(a, noisy(a, 5));
        const double strong = sem::metrics::msSsim(a, noisy(a, 30));
        QVERIFY(weak < 1.0);
        QVERIFY(strong < weak);
    }

    void msSsimScaleCount() {
        QCOMPARE(sem::metrics::msSsimScales(161, 161), 5);
        QCOMPARE(sem::metrics::msSsimScales(768, 512), 5);
        QCOMPARE(sem::metrics::msSsimScales(160, 500), 4);  // 160 80 40 20 | 10
        QCOMPARE(sem::metrics::msSsimScales(64, 64), 3);    // 64 32 16 | 8
        QCOMPARE(sem::metrics::msSsimScales(11, 11), 1);
        QCOMPARE(sem::metrics::msSsimScales(10, 100), 0);
    }

    void msSsimOfConstantImagesByHand() {
        // Constant images stay constant at every scale: cs = 1, and only the last scale's
        // luminance term counts, raised to its weight.
        cv::Mat a(170, 180, CV_8UC3, cv::Scalar(100, 100, 100));
        cv::Mat b(170, 180, CV_8UC3, cv::Scalar(110, 110, 110));
        QVERIFY(std::abs(sem::metrics::msSsim(a, b) - std::pow(luminanceTerm(100, 110), 0.1333)) < 1e-12);
        // 64x64: three scales, weights renormalised over 0.0448 + 0.2856 + 0.3001.
        cv::Mat c(64, 64, CV_8UC3, cv::Scalar(100, 100, 100));
        cv::Mat d(64, 64, CV_8UC3, cv::Scalar(110, 110, 110));
        const double w = 0.3001 / (0.0448 + 0.2856 + 0.3001);
        QVERIFY(std::abs(sem::metrics::msSsim(c, d) - std::pow(luminanceTerm(100, 110), w)) < 1e-12);
    }

    void gmsdIdenticalIsZero() {
        const cv::Mat a = textured(120, 90);
        QCOMPARE(sem::metrics::gmsd(a, a), 0.0);
        cv::Mat blurred;
        cv::GaussianBlur(a, blurred, cv::Size(7, 7), 2.0);
        const double gb = sem::metrics::gmsd(a, blurred);
        QVERIFY(gb > 0.0);
        QVERIFY(sem::metrics::gmsd(a, noisy(a, 40)) > sem::metrics::gmsd(a, noisy(a, 5)));
    }

    void allMatchesSingleMetrics() {
        const cv::Mat a = textured(180, 170);
        const cv::Mat b = noisy(a, 12);
        const sem::metrics::Scores s = sem::metrics::all(a, b);
        QVERIFY(std::abs(s.psnr - sem::metrics::psnr(a, b)) < 1e-9);
        QVERIFY(std::abs(s.psnrY - sem::metrics::psnrY(a, b)) < 1e-9);
        QVERIFY(std::abs(s.ssim - sem::metrics::ssim(a, b)) < 1e-12);
        QVERIFY(std::abs(s.msSsim - sem::metrics::msSsim(a, b)) < 1e-12);
        QVERIFY(std::abs(s.gmsd - sem::metrics::gmsd(a, b)) < 1e-12);
    }

    void bppIsBitsOverPixels() {
        QCOMPARE(sem::metrics::bpp(1000, 100, 80), 1.0);
        QCOMPARE(sem::metrics::bpp(0, 10, 10), 0.0);
        QCOMPARE(sem::metrics::bpp(98304, 768, 512), 2.0);
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::bpp(10, 0, 10));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::bpp(10, 10, -1));
    }

    void badInputsThrow() {
        const cv::Mat a = textured(40, 30);
        const cv::Mat other = textured(30, 40);
        const cv::Mat gray(30, 40, CV_8UC1, cv::Scalar(0));
        const cv::Mat tiny = textured(10, 10);
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::psnr(a, other));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::ssim(a, other));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::msSsim(a, other));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::gmsd(a, other));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::psnrY(a, gray));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::psnr(cv::Mat(), cv::Mat()));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::ssim(tiny, tiny));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::metrics::all(tiny, tiny));
        try {
            sem::metrics::psnr(a, other);
        } catch (const sem::Error& e) {
            QVERIFY(QString::fromStdString(e.what()).contains("40x30 vs 30x40"));
        }
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"

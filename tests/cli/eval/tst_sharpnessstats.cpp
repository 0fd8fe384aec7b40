// semc eval's sharpness measures: edge contrast on the original's boundaries, off-edge gradient,
// Laplacian variance, and the table and JSON they are reported in.
#include <QtTest>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "cli/eval/SharpnessStats.h"
#include "core/common/Error.h"

using namespace sem;
using namespace sem::cli;

namespace {

// A vertical step from dark to bright in the middle of a 64x48 image.
cv::Mat step()
{
    cv::Mat img(48, 64, CV_8UC3, cv::Scalar(40, 40, 40));
    img(cv::Rect(32, 0, 32, 48)).setTo(cv::Scalar(200, 200, 200));
    return img;
}

}  // namespace

class TestSharpnessStats : public QObject {
    Q_OBJECT
private slots:
    void sharpStepHasMoreEdgeContrastThanABlurredOne()
    {
        const cv::Mat sharp = step();
        cv::Mat blurred;
        cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 3.0);
        const cv::Mat mask = SharpnessStats::boundaryMask(sharp);
        QVERIFY(cv::countNonZero(mask) >= 2 * 48);  // the step, dilated
        QVERIFY(cv::countNonZero(mask) < 64 * 48 / 4);
        const double onSharp = SharpnessStats::meanGradient(sharp, mask, true);
        const double onBlurred = SharpnessStats::meanGradient(blurred, mask, true);
        QVERIFY2(onSharp > 1.5 * onBlurred, qPrintable(QString("%1 vs %2").arg(onSharp).arg(onBlurred)));
        QCOMPARE(SharpnessStats::meanGradient(sharp, mask, false), 0.0);  // flat away from the step
        QVERIFY(SharpnessStats::laplacianVariance(sharp) > SharpnessStats::laplacianVariance(blurred));
    }

    void noiseRaisesTheOffEdgeGradientNotTheEdgeContrast()
    {
        const cv::Mat clean = step();
        cv::Mat noise(clean.size(), CV_8UC3);
        cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(20));
        const cv::Mat noisy = clean + noise;
        const cv::Mat mask = SharpnessStats::boundaryMask(clean);
        QVERIFY(SharpnessStats::meanGradient(noisy, mask, false) > 10.0);
        const double onClean = SharpnessStats::meanGradient(clean, mask, true);
        QVERIFY(std::abs(SharpnessStats::meanGradient(noisy, mask, true) - onClean) < 0.2 * onClean);
    }

    void flatImageHasNoBoundaries()
    {
        const cv::Mat flat(32, 32, CV_8UC3, cv::Scalar(90, 120, 150));
        const cv::Mat mask = SharpnessStats::boundaryMask(flat);
        QCOMPARE(cv::countNonZero(mask), 0);
        QCOMPARE(SharpnessStats::meanGradient(flat, mask, true), 0.0);
    }

    void tableAndJson()
    {
        const cv::Mat sharp = step();
        cv::Mat blurred;
        cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 2.0);
        const cv::Mat mask = SharpnessStats::boundaryMask(sharp);
        SharpnessStats stats;
        stats.add("fidelity", blurred, mask, 20.0);
        stats.add("fidelity", blurred, mask, 22.0);
        stats.add("original", sharp, mask, std::nan(""));
        QCOMPARE(stats.count("fidelity"), 2);
        QCOMPARE(stats.count("sampled"), 0);
        const nlohmann::json j = stats.json();
        QCOMPARE(j["fidelity"]["psnr"].get<double>(), 21.0);
        QCOMPARE(j["fidelity"]["images"].get<int>(), 2);
        QVERIFY(!j["original"].contains("psnr"));
        QVERIFY(j["original"]["edge_contrast"].get<double>() > j["fidelity"]["edge_contrast"].get<double>());
        const QString table = QString::fromStdString(stats.markdownTable());
        QVERIFY2(table.contains("| fidelity | 21.00 |"), qPrintable(table));
        QVERIFY2(table.contains("| original | - |"), qPrintable(table));
        QVERIFY(table.indexOf("fidelity") < table.indexOf("original"));  // in the order added
    }

    void badInputIsRefused()
    {
        QVERIFY_THROWS_EXCEPTION(Error, SharpnessStats::boundaryMask(cv::Mat()));
        const cv::Mat img = step();
        QVERIFY_THROWS_EXCEPTION(Error, SharpnessStats::meanGradient(img, cv::Mat(3, 3, CV_8U), true));
    }
};

QTEST_GUILESS_MAIN(TestSharpnessStats)
#include "tst_sharpnessstats.moc"

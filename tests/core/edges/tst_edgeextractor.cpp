#include <QtTest>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/edges/EdgeExtractor.h"

using sem::CannyParams;
using sem::EdgeExtractor;
using sem::EdgeMap;

namespace {

// Black image with a white filled rectangle [x0, x1) x [y0, y1).
cv::Mat rectangleImage(int w, int h, cv::Rect r, cv::Scalar colour = cv::Scalar(255, 255, 255))
{
    cv::Mat img(h, w, CV_8UC3, cv::Scalar(0, 0, 0));
    cv::rectangle(img, r, colour, cv::FILLED);
    return img;
}

// Distance (in map pixels) from map pixel (x, y) to the rectangle border scaled by 1/d.
double borderDistance(int x, int y, cv::Rect r, int d)
{
    const double cx = (x + 0.5) * d, cy = (y + 0.5) * d;  // centre in image coordinates
    const double l = r.x, t = r.y, rr = r.x + r.width, b = r.y + r.height;
    const bool insideX = cx >= l && cx <= rr, insideY = cy >= t && cy <= b;
    double dist;
    if (insideX && insideY)
        dist = std::min(std::min(cx - l, rr - cx), std::min(cy - t, b - cy));
    else if (insideX)
        dist = std::min(std::abs(cy - t), std::abs(cy - b));
    else if (insideY)
        dist = std::min(std::abs(cx - l), std::abs(cx - rr));
    else
        dist = std::hypot(std::min(std::abs(cx - l), std::abs(cx - rr)), std::min(std::abs(cy - t), std::abs(cy - b)));
    return dist / d;
}

bool onlyZeroOr255(const cv::Mat& m)
{
    return cv::countNonZero(m) == cv::countNonZero(m == 255);
}

}  // namespace

class TestEdgeExtractor : public QObject {
    Q_OBJECT

private slots:
    void rectangleBorderAtEveryScale_data()
    {
        QTest::addColumn<int>("scale");
        QTest::newRow("1/1") << 1;
        QTest::newRow("1/2") << 2;
        QTest::newRow("1/4") << 4;
        QTest::newRow("1/8") << 8;
    }

    void rectangleBorderAtEveryScale()
    {
        QFETCH(int, scale);
        const cv::Rect r(64, 48, 160, 128);
        const cv::Mat img = rectangleImage(321, 241, r);
        CannyParams p;
        p.scaleDenominator = scale;
        const EdgeMap map = EdgeExtractor::extract(img, p);
        QCOMPARE(map.scaleDenominator, scale);
        QCOMPARE(map.width, (321 + scale - 1) / scale);
        QCOMPARE(map.height, (241 + scale - 1) / scale);
        QCOMPARE(int(map.planes.size()), 1);
        const cv::Mat& e = map.planes[0];
        QCOMPARE(e.type(), CV_8UC1);
        QCOMPARE(e.cols, map.width);
        QCOMPARE(e.rows, map.height);
        QVERIFY(onlyZeroOr255(e));
        int onBorder = 0;
        for (int y = 0; y < e.rows; ++y)
            for (int x = 0; x < e.cols; ++x)
                if (e.at<uchar>(y, x)) {
                    QVERIFY2(borderDistance(x, y, r, scale) <= 2.0,
                             qPrintable(QStringLiteral("edge at (%1,%2) is far from the border").arg(x).arg(y)));
                    ++onBorder;
                }
        // The border is closed: the edges cover most of the scaled perimeter.
        const int perimeter = 2 * (r.width + r.height) / scale;
        QVERIFY2(onBorder >= perimeter * 8 / 10, qPrintable(QString::number(onBorder)));
        QVERIFY2(onBorder <= perimeter * 3, qPrintable(QString::number(onBorder)));
        // Every side of the rectangle is found: the row through its middle crosses two edges.
        const cv::Mat mid = e.row((r.y + r.height / 2) / scale);
        QVERIFY(cv::countNonZero(mid) >= 2);
    }

    void perChannelGivesThreePlanes()
    {
        // The rectangle exists only in the blue channel: plane 0 (B) has edges, G and R have none.
        const cv::Rect r(20, 20, 60, 40);
        const cv::Mat img = rectangleImage(100, 80, r, cv::Scalar(255, 0, 0));
        CannyParams p;
        p.scaleDenominator = 1;
        p.perChannel = true;
        const EdgeMap map = EdgeExtractor::extract(img, p);
        QCOMPARE(int(map.planes.size()), 3);
        QVERIFY(cv::countNonZero(map.planes[0]) > 100);
        QCOMPARE(cv::countNonZero(map.planes[1]), 0);
        QCOMPARE(cv::countNonZero(map.planes[2]), 0);
        for (const cv::Mat& plane : map.planes) {
            QCOMPARE(plane.cols, 100);
            QCOMPARE(plane.rows, 80);
        }
    }

    void minLengthPrunesShortFragments()
    {
        cv::Mat img = rectangleImage(200, 150, cv::Rect(40, 30, 100, 80));
        // Small specks far from the rectangle: each gives a short closed edge contour.
        for (int i = 0; i < 5; ++i)
            cv::rectangle(img, cv::Rect(160 + (i % 2) * 15, 10 + i * 25, 3, 3), cv::Scalar::all(255), cv::FILLED);
        CannyParams p;
        p.scaleDenominator = 1;
        p.blurSigma = 0;
        const EdgeMap all = EdgeExtractor::extract(img, p);
        const cv::Rect speckArea(150, 0, 50, 150);
        QVERIFY(cv::countNonZero(all.planes[0](speckArea)) > 0);

        p.minLength = 30;
        const EdgeMap pruned = EdgeExtractor::extract(img, p);
        QCOMPARE(cv::countNonZero(pruned.planes[0](speckArea)), 0);
        // The rectangle's long contour is untouched.
        const cv::Rect rectArea(0, 0, 150, 150);
        QCOMPARE(cv::norm(pruned.planes[0](rectArea), all.planes[0](rectArea), cv::NORM_INF), 0.0);
        QVERIFY(cv::countNonZero(pruned.planes[0]) > 300);

        // A threshold above the rectangle's contour removes everything.
        p.minLength = 100000;
        QCOMPARE(EdgeExtractor::extract(img, p).edgePixels(), 0LL);
    }

    void autoThresholdsFromKnownMedian()
    {
        // 60 pixels of 100 and 40 of 200: median 100.
        cv::Mat g(10, 10, CV_8UC1, cv::Scalar(200));
        g.rowRange(0, 6).setTo(100);
        auto [low, high] = EdgeExtractor::autoThresholds(g, 0.33);
        QVERIFY(qFuzzyCompare(low, 67.0));
        QVERIFY(qFuzzyCompare(high, 133.0));
        // Half and half: the lower median.
        g.rowRange(0, 5).setTo(40);
        g.rowRange(5, 10).setTo(90);
        std::tie(low, high) = EdgeExtractor::autoThresholds(g, 0.5);
        QVERIFY(qFuzzyCompare(low, 20.0));
        QVERIFY(qFuzzyCompare(high, 60.0));
        // High threshold clipped at 255.
        g.setTo(250);
        std::tie(low, high) = EdgeExtractor::autoThresholds(g, 0.33);
        QCOMPARE(high, 255.0);
        QVERIFY(low < high);
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::autoThresholds(cv::Mat(), 0.33));
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::autoThresholds(cv::Mat(4, 4, CV_32F), 0.33));
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::autoThresholds(g, 0.0));
    }

    void autoThresholdsUsedByExtract()
    {
        // Without blur and at scale 1 the median is that of the gray image itself.
        cv::Mat img(120, 160, CV_8UC3, cv::Scalar::all(90));
        cv::circle(img, cv::Point(80, 60), 30, cv::Scalar::all(160), cv::FILLED);
        cv::rectangle(img, cv::Rect(5, 5, 30, 30), cv::Scalar::all(120), cv::FILLED);
        CannyParams p;
        p.scaleDenominator = 1;
        p.blurSigma = 0;
        p.autoThresholds = true;
        const EdgeMap automatic = EdgeExtractor::extract(img, p);
        cv::Mat gray;
        cv::cvtColor(img, gray, cv::COLOR_BGR2GRAY);
        const auto [low, high] = EdgeExtractor::autoThresholds(gray, p.autoSigma);
        QVERIFY(qFuzzyCompare(low, 0.67 * 90));
        p.autoThresholds = false;
        p.low = low;
        p.high = high;
        const EdgeMap manual = EdgeExtractor::extract(img, p);
        QCOMPARE(cv::norm(automatic.planes[0], manual.planes[0], cv::NORM_INF), 0.0);
        QVERIFY(automatic.edgePixels() > 0);
        // Fixed thresholds far above these find nothing; auto mode ignores them.
        p.low = p.high = 5000;
        QCOMPARE(EdgeExtractor::extract(img, p).edgePixels(), 0LL);
        p.autoThresholds = true;
        QCOMPARE(EdgeExtractor::extract(img, p).edgePixels(), automatic.edgePixels());
    }

    void grayInputForLuma()
    {
        const cv::Mat bgr = rectangleImage(64, 64, cv::Rect(16, 16, 32, 32));
        cv::Mat gray;
        cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
        CannyParams p;
        const EdgeMap a = EdgeExtractor::extract(bgr, p);
        const EdgeMap b = EdgeExtractor::extract(gray, p);
        QCOMPARE(cv::norm(a.planes[0], b.planes[0], cv::NORM_INF), 0.0);
        p.perChannel = true;
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::extract(gray, p));
    }

    void badInputIsRefused()
    {
        CannyParams p;
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::extract(cv::Mat(), p));
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::extract(cv::Mat(10, 10, CV_32FC3), p));
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::extract(cv::Mat(10, 10, CV_8UC4), p));
        p.aperture = 4;
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeExtractor::extract(cv::Mat(10, 10, CV_8UC3), p));
    }

    void tinyImages()
    {
        CannyParams p;
        p.scaleDenominator = 8;
        const EdgeMap m = EdgeExtractor::extract(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(7)), p);
        QCOMPARE(m.width, 1);
        QCOMPARE(m.height, 1);
        QCOMPARE(m.edgePixels(), 0LL);
        const EdgeMap m2 = EdgeExtractor::extract(cv::Mat(3, 17, CV_8UC3, cv::Scalar::all(7)), p);
        QCOMPARE(m2.width, 3);
        QCOMPARE(m2.height, 1);
    }
};

QTEST_APPLESS_MAIN(TestEdgeExtractor)
#include "tst_edgeextractor.moc"

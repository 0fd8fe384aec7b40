#include <QtTest>
#include <opencv2/core.hpp>

#include "core/common/Error.h"
#include "core/edges/EdgeMap.h"

using sem::EdgeMap;

class TestEdgeMap : public QObject {
    Q_OBJECT

private slots:
    void mapSide()
    {
        QCOMPARE(sem::edgeMapSide(768, 4), 192);
        QCOMPARE(sem::edgeMapSide(321, 4), 81);
        QCOMPARE(sem::edgeMapSide(481, 8), 61);
        QCOMPARE(sem::edgeMapSide(481, 1), 481);
        QCOMPARE(sem::edgeMapSide(1, 8), 1);
        QCOMPARE(sem::edgeMapSide(0, 2), 0);
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::edgeMapSide(100, 3));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::edgeMapSide(100, 0));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::edgeMapSide(-1, 1));
    }

    void edgePixelsAndCombined()
    {
        EdgeMap m;
        m.width = 5;
        m.height = 4;
        m.planes = {cv::Mat::zeros(4, 5, CV_8UC1), cv::Mat::zeros(4, 5, CV_8UC1), cv::Mat::zeros(4, 5, CV_8UC1)};
        QVERIFY(!m.empty());
        QCOMPARE(m.edgePixels(), 0LL);
        m.planes[0].at<uchar>(0, 0) = 255;
        m.planes[1].at<uchar>(0, 0) = 255;
        m.planes[1].at<uchar>(3, 4) = 255;
        m.planes[2].at<uchar>(2, 1) = 255;
        QCOMPARE(m.edgePixels(), 4LL);
        const cv::Mat c = m.combined();
        QCOMPARE(c.type(), CV_8UC1);
        QCOMPARE(c.cols, 5);
        QCOMPARE(c.rows, 4);
        QCOMPARE(cv::countNonZero(c), 3);
        QCOMPARE(int(c.at<uchar>(0, 0)), 255);
        QCOMPARE(int(c.at<uchar>(3, 4)), 255);
        QCOMPARE(int(c.at<uchar>(2, 1)), 255);
        QVERIFY(EdgeMap().empty());

        m.planes[2] = cv::Mat::zeros(4, 6, CV_8UC1);
        QVERIFY_THROWS_EXCEPTION(sem::Error, m.combined());
    }

    void upsampledIsNearestNeighbour()
    {
        // A 10x7 image at scale 1/4 has a 3x2 map; image pixel (x, y) shows map pixel (x/4, y/4).
        EdgeMap m;
        m.width = 3;
        m.height = 2;
        m.scaleDenominator = 4;
        m.planes = {cv::Mat::zeros(2, 3, CV_8UC1)};
        m.planes[0].at<uchar>(0, 1) = 255;  // covers x 4..7, y 0..3
        m.planes[0].at<uchar>(1, 2) = 255;  // covers x 8..9, y 4..6
        const cv::Mat up = m.upsampled(10, 7);
        QCOMPARE(up.cols, 10);
        QCOMPARE(up.rows, 7);
        for (int y = 0; y < 7; ++y)
            for (int x = 0; x < 10; ++x) {
                const bool expected = (x >= 4 && x <= 7 && y <= 3) || (x >= 8 && y >= 4);
                QCOMPARE(up.at<uchar>(y, x) != 0, expected);
            }
        QCOMPARE(cv::countNonZero(up), 16 + 6);
        // The map does not belong to an image of another size.
        QVERIFY_THROWS_EXCEPTION(sem::Error, m.upsampled(13, 7));
        QVERIFY_THROWS_EXCEPTION(sem::Error, m.upsampled(10, 9));
    }

    void upsampledMatchesNaiveReferenceAtOddSizes()
    {
        for (int d : {2, 4, 8}) {
            for (const auto& [w, h] : {std::pair{321, 481}, std::pair{481, 321}, std::pair{9, 3}}) {
                EdgeMap m;
                m.scaleDenominator = d;
                m.width = sem::edgeMapSide(w, d);
                m.height = sem::edgeMapSide(h, d);
                m.planes = {cv::Mat(m.height, m.width, CV_8UC1)};
                cv::randu(m.planes[0], 0, 2);
                m.planes[0] *= 255;
                const cv::Mat up = m.upsampled(w, h);
                QCOMPARE(up.cols, w);
                QCOMPARE(up.rows, h);
                for (int y = 0; y < h; ++y)
                    for (int x = 0; x < w; ++x)
                        if (up.at<uchar>(y, x) != m.planes[0].at<uchar>(y / d, x / d))
                            QFAIL(qPrintable(QStringLiteral("d=%1 %2x%3: pixel (%4,%5) differs").arg(d).arg(w).arg(h).arg(x).arg(y)));
            }
        }
    }

    void upsampledAtScaleOneIsTheCombinedMap()
    {
        EdgeMap m;
        m.width = 4;
        m.height = 3;
        m.planes = {cv::Mat::zeros(3, 4, CV_8UC1), cv::Mat::zeros(3, 4, CV_8UC1), cv::Mat::zeros(3, 4, CV_8UC1)};
        m.planes[1].at<uchar>(1, 2) = 255;
        m.planes[2].at<uchar>(2, 3) = 255;
        const cv::Mat up = m.upsampled(4, 3);
        QCOMPARE(cv::norm(up, m.combined(), cv::NORM_INF), 0.0);
        QCOMPARE(cv::countNonZero(up), 2);
    }
};

QTEST_APPLESS_MAIN(TestEdgeMap)
#include "tst_edgemap.moc"

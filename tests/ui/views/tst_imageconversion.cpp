#include <QtTest>
#include <opencv2/core.hpp>

#include "ui/views/ImageConversion.h"

using namespace sem;

class TestImageConversion : public QObject {
    Q_OBJECT
private slots:
    void bgrBecomesRgb()
    {
        cv::Mat bgr(3, 5, CV_8UC3, cv::Scalar(10, 20, 30));
        bgr.at<cv::Vec3b>(2, 4) = cv::Vec3b(255, 0, 1);
        const QImage img = ui::toQImage(bgr);
        QCOMPARE(img.size(), QSize(5, 3));
        QCOMPARE(img.pixel(0, 0), qRgb(30, 20, 10));
        QCOMPARE(img.pixel(4, 2), qRgb(1, 0, 255));
    }
    void nonContinuousRoi()
    {
        cv::Mat big(10, 10, CV_8UC3, cv::Scalar(0, 0, 0));
        big(cv::Rect(2, 2, 3, 3)).setTo(cv::Scalar(0, 0, 200));
        const QImage img = ui::toQImage(big(cv::Rect(2, 2, 4, 4)));
        QCOMPARE(img.size(), QSize(4, 4));
        QCOMPARE(img.pixel(0, 0), qRgb(200, 0, 0));
        QCOMPARE(img.pixel(3, 3), qRgb(0, 0, 0));
    }
    void grayAndBgra()
    {
        cv::Mat gray(2, 2, CV_8UC1, cv::Scalar(77));
        QCOMPARE(ui::toQImage(gray).pixel(1, 1), qRgb(77, 77, 77));
        cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(1, 2, 3, 128));
        QCOMPARE(qAlpha(ui::toQImage(bgra).pixel(0, 0)), 128);
        QCOMPARE(qBlue(ui::toQImage(bgra).pixel(0, 0)), 1);
    }
    void unsupportedIsNull()
    {
        QVERIFY(ui::toQImage(cv::Mat()).isNull());
        QVERIFY(ui::toQImage(cv::Mat(2, 2, CV_32FC1, cv::Scalar(0.5))).isNull());
    }
    void edgeOverlayLuma()
    {
        EdgeMap map;
        map.width = 4;
        map.height = 2;
        map.planes.push_back(cv::Mat::zeros(2, 4, CV_8UC1));
        map.planes[0].at<std::uint8_t>(1, 3) = 255;
        const QImage img = ui::edgeOverlayImage(map);
        QCOMPARE(img.size(), QSize(4, 2));
        QCOMPARE(img.pixel(3, 1), qRgba(255, 255, 255, 255));
        QCOMPARE(qAlpha(img.pixel(0, 0)), 0);
    }
    void edgeOverlayPerChannel()
    {
        EdgeMap map;
        map.width = 2;
        map.height = 1;
        for (int i = 0; i < 3; ++i)
            map.planes.push_back(cv::Mat::zeros(1, 2, CV_8UC1));
        map.planes[2].at<std::uint8_t>(0, 0) = 255;  // R plane
        map.planes[0].at<std::uint8_t>(0, 1) = 255;  // B plane
        const QImage img = ui::edgeOverlayImage(map);
        QCOMPARE(img.pixel(0, 0), qRgba(255, 0, 0, 255));
        QCOMPARE(img.pixel(1, 0), qRgba(0, 0, 255, 255));
        QVERIFY(ui::edgeOverlayImage(EdgeMap{}).isNull());
    }
};

QTEST_GUILESS_MAIN(TestImageConversion)
#include "tst_imageconversion.moc"

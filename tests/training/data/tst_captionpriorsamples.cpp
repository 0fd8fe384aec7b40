// `semc train --caption-prior`: the layouts of the prepared images and the caption/layout pairs.
#include <QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "training/data/CaptionPriorSamples.h"
#include "training/data/ShardReader.h"

using namespace sem;
using namespace sem::training;

namespace {

// Left half pure red, right half pure blue (BGR), as JPEG bytes.
std::vector<std::uint8_t> redBlueJpeg() {
    cv::Mat image(48, 64, CV_8UC3, cv::Scalar(0, 0, 255));
    image(cv::Rect(32, 0, 32, 48)).setTo(cv::Scalar(255, 0, 0));
    std::vector<std::uint8_t> bytes;
    cv::imencode(".png", image, bytes);
    return bytes;
}

}  // namespace

class TestCaptionPriorSamples : public QObject {
    Q_OBJECT
private slots:
    void layoutIsPlanarRgbInModelRange() {
        const std::vector<float> layout = CaptionPriorSamples::layoutOf(redBlueJpeg(), 2, false);
        QCOMPARE(layout.size(), std::size_t(12));
        // planes R, G, B; cells (0,0) (0,1) (1,0) (1,1): left cells red, right cells blue
        QCOMPARE(layout[0], 1.0f);
        QCOMPARE(layout[1], -1.0f);
        QCOMPARE(layout[4], -1.0f);
        QCOMPARE(layout[8], -1.0f);
        QCOMPARE(layout[9], 1.0f);
        const std::vector<float> mirrored = CaptionPriorSamples::layoutOf(redBlueJpeg(), 2, true);
        QCOMPARE(mirrored[0], -1.0f);
        QCOMPARE(mirrored[1], 1.0f);
        QVERIFY(CaptionPriorSamples::layoutOf({1, 2, 3}, 2, false).empty());  // not an image
    }

    void everyCaptionTwiceAndUncaptionedSkipped() {
        training::ShardRecord captioned{"a.png", false, {"a red thing", "blue stuff"}, redBlueJpeg()};
        training::ShardRecord uncaptioned{"b.png", false, {}, redBlueJpeg()};
        training::ShardRecord broken{"c.png", false, {"broken"}, {0, 1, 2}};
        const auto samples = CaptionPriorSamples::samples({&captioned, &uncaptioned, &broken}, 4);
        QCOMPARE(samples.size(), std::size_t(4));  // 2 captions x (image + mirror image)
        QCOMPARE(samples[0].caption, std::string("a red thing"));
        QCOMPARE(samples[0].layout.size(), std::size_t(48));
        QVERIFY(samples[0].layout != samples[2].layout);  // the mirror image
    }
};

QTEST_APPLESS_MAIN(TestCaptionPriorSamples)
#include "tst_captionpriorsamples.moc"

#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/image/ImageHeader.h"
#include "core/image/ImageIO.h"

using namespace sem;

namespace {

std::vector<std::uint8_t> encoded(const cv::Mat& m, const std::string& ext, std::vector<int> params = {})
{
    std::vector<std::uint8_t> out;
    if (!cv::imencode(ext, m, out, params))
        throw std::runtime_error("imencode failed");
    return out;
}

cv::Mat gradient(int w, int h)
{
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 255 / w), uchar(y * 255 / h), uchar(128));
    return m;
}

// Inserts an APP1 EXIF segment with the given orientation right after SOI.
std::vector<std::uint8_t> withExifOrientation(std::vector<std::uint8_t> jpeg, std::uint16_t orientation)
{
    const std::vector<std::uint8_t> tiff = {'M', 'M', 0, 42, 0, 0, 0, 8,  // header, IFD at 8
                                            0, 1,                         // one entry
                                            0x01, 0x12, 0, 3, 0, 0, 0, 1,  // tag 0x112 SHORT count 1
                                            std::uint8_t(orientation >> 8), std::uint8_t(orientation & 0xFF), 0, 0,
                                            0, 0, 0, 0};  // next IFD = 0
    std::vector<std::uint8_t> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    const std::size_t len = app1.size() - 2;
    app1[2] = std::uint8_t(len >> 8);
    app1[3] = std::uint8_t(len & 0xFF);
    if (jpeg.size() < 2)  // no SOI to insert after (the caller's QVERIFY then fails on the decode)
        return jpeg;
    jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
    return jpeg;
}

}  // namespace

class TestImageIO : public QObject {
    Q_OBJECT
private slots:
    void loadsEveryFormat_data()
    {
        QTest::addColumn<QString>("ext");
        QTest::newRow("png") << ".png";
        QTest::newRow("jpeg") << ".jpg";
        QTest::newRow("webp") << ".webp";
        QTest::newRow("tiff") << ".tiff";
        QTest::newRow("bmp") << ".bmp";
    }
    void loadsEveryFormat()
    {
        QFETCH(QString, ext);
        const cv::Mat src = gradient(37, 21);
        const LoadedImage img = ImageIO::decode(encoded(src, ext.toStdString()), "x");
        QCOMPARE(img.bgr.type(), CV_8UC3);
        QCOMPARE(img.bgr.cols, 37);
        QCOMPARE(img.bgr.rows, 21);
        QVERIFY(img.warnings.empty());
        QCOMPARE(ImageHeaderProbe::probe(encoded(src, ext.toStdString()).data(), encoded(src, ext.toStdString()).size()).width, 37LL);
    }
    void grayAnd16Bit()
    {
        cv::Mat gray(10, 12, CV_16UC1, cv::Scalar(65535));
        const LoadedImage img = ImageIO::decode(encoded(gray, ".png"), "g16.png");
        QCOMPARE(img.bgr.type(), CV_8UC3);
        QCOMPARE(img.sourceBitDepth, 16);
        QCOMPARE(img.bgr.at<cv::Vec3b>(5, 5), cv::Vec3b(255, 255, 255));
        QCOMPARE(img.warnings.size(), std::size_t(1));
        cv::Mat g8(10, 12, CV_8UC1, cv::Scalar(40));
        QCOMPARE(ImageIO::decode(encoded(g8, ".png"), "g8").bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(40, 40, 40));
    }
    void alphaIsCompositedOverWhite()
    {
        cv::Mat rgba(8, 8, CV_8UC4, cv::Scalar(0, 0, 255, 0));  // fully transparent red
        rgba(cv::Rect(0, 0, 4, 8)).setTo(cv::Scalar(0, 0, 255, 255));
        const LoadedImage img = ImageIO::decode(encoded(rgba, ".png"), "a.png");
        QCOMPARE(img.bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));
        QCOMPARE(img.bgr.at<cv::Vec3b>(0, 7), cv::Vec3b(255, 255, 255));
        QCOMPARE(img.warnings.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(img.warnings[0]).contains("alpha"));
    }
    void exifOrientationApplied()
    {
        cv::Mat src(20, 40, CV_8UC3, cv::Scalar(0, 0, 0));
        src(cv::Rect(0, 0, 10, 20)).setTo(cv::Scalar(255, 255, 255));  // white band on the left
        const auto jpeg = withExifOrientation(encoded(src, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}), 6);
        const LoadedImage img = ImageIO::decode(jpeg, "rot.jpg");
        // Orientation 6 = rotate 90° clockwise for display: 40x20 becomes 20x40, left band on top.
        QCOMPARE(img.bgr.cols, 20);
        QCOMPARE(img.bgr.rows, 40);
        QVERIFY(img.bgr.at<cv::Vec3b>(2, 10)[0] > 200);
        QVERIFY(img.bgr.at<cv::Vec3b>(37, 10)[0] < 50);
    }
    void oversizedHeaderRefusedBeforeDecoding()
    {
        auto png = encoded(gradient(4, 4), ".png");
        // Claim 20000 x 20000 in IHDR; the (now wrong) CRC does not matter: we refuse first.
        const std::uint32_t big = 20000;
        for (int i = 0; i < 4; ++i) {
            png[16 + i] = std::uint8_t(big >> (24 - 8 * i));
            png[20 + i] = std::uint8_t(big >> (24 - 8 * i));
        }
        try {
            ImageIO::decode(png, "bomb.png");
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("over the limit"), e.what());
        }
        ImageLimits tight;
        tight.maxPixels = 10;
        QVERIFY_THROWS_EXCEPTION(Error, ImageIO::decode(encoded(gradient(4, 4), ".png"), "x", tight));
    }
    void badInputsGiveClearErrors()
    {
        QVERIFY_THROWS_EXCEPTION(Error, ImageIO::decode({}, "empty"));
        const std::vector<std::uint8_t> text{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
        try {
            ImageIO::decode(text, "notes.txt");
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("notes.txt: image: not a PNG"));
        }
        auto png = encoded(gradient(30, 30), ".png");
        for (std::size_t cut : {std::size_t(9), std::size_t(20), png.size() / 2, png.size() - 13}) {
            std::vector<std::uint8_t> part(png.begin(), png.begin() + long(cut));
            QVERIFY_THROWS_EXCEPTION(Error, ImageIO::decode(part, "cut.png"));
        }
        auto zero = encoded(gradient(4, 4), ".png");
        std::fill(zero.begin() + 16, zero.begin() + 20, 0);
        QVERIFY_THROWS_EXCEPTION(Error, ImageIO::decode(zero, "zero.png"));
        QVERIFY_THROWS_EXCEPTION(Error, ImageIO::load("/no/such/file.png"));
    }
    void tiffIfdOffsetNear4GiBIsRefused()
    {
        // Found by fuzz_image (tests/fuzz): IFD offset 0xFFFFFFFF wrapped around in the bounds check
        // and the probe read 4 GiB past the buffer.
        const std::vector<std::uint8_t> crash{
            0x49, 0x49, 0x2a, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xd6, 0x00, 0x00,
            0x00, 0x80, 0x32, 0x11, 0x85, 0xa0, 0x04, 0x16, 0x0d, 0x07, 0x84, 0x49, 0x49, 0x2a, 0x42, 0x61,
            0x50, 0xb8, 0x64, 0x36, 0x10, 0x37, 0x3a, 0x29, 0xa1, 0x30, 0x28, 0x24, 0x3a, 0x2d, 0x17, 0x8c,
            0x41, 0xa2, 0x11, 0x28, 0x74, 0x52, 0x33, 0x1f};
        QVERIFY_THROWS_EXCEPTION(Error, ImageHeaderProbe::probe(crash.data(), crash.size()));
        QVERIFY_THROWS_EXCEPTION(Error, ImageIO::decode(crash, "crash.tif"));
        const std::vector<std::uint8_t> bigEndian{'M', 'M', 0x00, 0x2a, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0};
        QVERIFY_THROWS_EXCEPTION(Error, ImageHeaderProbe::probe(bigEndian.data(), bigEndian.size()));
    }
    void webpHeaderOpenCvRefusesIsNotPassedOn()
    {
        // Found by fuzz_image (tests/fuzz): a RIFF/WEBP/VP8L header libwebp refuses plus "DICM" at offset
        // 128 made cv::imdecode hand the bytes to GDCM's DICOM reader, which aborted the process.
        std::vector<std::uint8_t> bytes{'R', 'I', 'F', 'F', 0x76, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 0x6a, 0, 0, 0};
        bytes.resize(86, 0);
        for (const std::uint8_t b : {0x2f, 0x17, 0xc0, 0x03, 0x00, 0x1f, 0x20, 0x10, 0x20, 0x74, 0x28, 0xd5, 0xae, 0x43,
                                     0x95, 0x6c, 0xaa, 0x7a, 0xa8, 0x6a, 0x83, 0xaa, 0x3c, 0xa8, 0x39, 0x4f, 0x6a, 0xba,
                                     0x3c, 0x77, 0xe7, 0x3c, 0x9e, 0xcc, 0xdf, 0xf7, 0x93, 0x6c, 0x9f, 0x9f, 0x1e, 0x76})
            bytes.push_back(b);
        for (const char c : {'D', 'I', 'C', 'M'})
            bytes.push_back(static_cast<std::uint8_t>(c));
        bytes.push_back(0);
        QCOMPARE(bytes.size(), std::size_t(133));
        try {
            ImageIO::decode(bytes, "crash.webp");
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("webp header is invalid"), e.what());
        }
    }
    void saveIsAtomicAndByExtension()
    {
        QTemporaryDir dir;
        const cv::Mat src = gradient(16, 9);
        const std::string png = dir.filePath("out.png").toStdString();
        ImageIO::save(png, src);
        const LoadedImage back = ImageIO::load(png);
        QCOMPARE(cv::norm(back.bgr, src, cv::NORM_INF), 0.0);
        QVERIFY_THROWS_EXCEPTION(Error, ImageIO::save(dir.filePath("out.xyz").toStdString(), src));
        QVERIFY_THROWS_EXCEPTION(Error, ImageIO::save(dir.filePath("noext").toStdString(), src));
    }
};

QTEST_APPLESS_MAIN(TestImageIO)
#include "tst_imageio.moc"

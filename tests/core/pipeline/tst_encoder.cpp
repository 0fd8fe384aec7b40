#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/StreamDecoder.h"

using namespace sem;

namespace {

cv::Mat scene(int w, int h)
{
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(90, 140, 200));
    cv::rectangle(m, {w / 5, h / 5, w / 3, h / 2}, cv::Scalar(10, 20, 40), cv::FILLED);  // strong edges
    cv::circle(m, {w * 2 / 3, h / 2}, h / 4, cv::Scalar(250, 250, 250), cv::FILLED);
    return m;
}

}  // namespace

class TestEncoder : public QObject {
    Q_OBJECT
private slots:
    void encodeDecodeStreams()
    {
        const cv::Mat img = scene(321, 481);  // odd sizes on purpose
        EncodeOptions o;
        o.caption = "a red box and a yellow disc on blue";
        o.hint.factor = 16;
        const EncodeResult r = Encoder::encode(img, o);
        QCOMPARE(r.file.width, 321);
        QCOMPARE(r.file.height, 481);
        QVERIFY(r.file.edges && r.file.caption && r.file.hint && r.file.metadata);

        const SemFile back = SemFile::parse(r.file.serialize());
        const DecodedStreams s = StreamDecoder::decode(back);
        QCOMPARE(s.caption, o.caption);
        QCOMPARE(s.edges.width, edgeMapSide(321, 4));
        QCOMPARE(s.edges.height, edgeMapSide(481, 4));
        QCOMPARE(s.edges.planes.size(), r.edges.planes.size());
        QCOMPARE(cv::norm(s.edges.planes[0], r.edges.planes[0], cv::NORM_INF), 0.0);  // lossless
        QCOMPARE(s.hintUpsampled.cols, 321);
        QCOMPARE(s.hintUpsampled.rows, 481);
        QVERIFY(s.edges.edgePixels() > 0);

        const auto meta = nlohmann::json::parse(back.metadataJson());
        QVERIFY(!meta.contains("canny"));  // defaults are not stored
        QVERIFY(meta["enc"].get<std::string>().rfind("semc ", 0) == 0);
        EncodeOptions tuned = o;
        tuned.canny.scaleDenominator = 2;
        tuned.canny.low = 80;
        tuned.hint.quality = 30;
        const auto meta2 = nlohmann::json::parse(Encoder::encode(img, tuned).file.metadataJson());
        QCOMPARE(meta2["canny"]["scale"].get<int>(), 2);
        QCOMPARE(meta2["canny"]["low"].get<double>(), 80.0);
        QVERIFY(!meta2["canny"].contains("high"));
        QCOMPARE(meta2["hint_quality"].get<int>(), 30);
    }
    void optionalStreams()
    {
        EncodeOptions o;
        o.writeMetadata = false;
        const EncodeResult r = Encoder::encode(scene(64, 48), o);
        QVERIFY(r.file.edges);
        QVERIFY(!r.file.caption && !r.file.hint && !r.file.metadata);
        const DecodedStreams s = StreamDecoder::decode(r.file);
        QVERIFY(s.caption.empty());
        QVERIFY(s.hintThumbnail.empty());
    }
    void scaleControlsRate()
    {
        const cv::Mat img = scene(400, 300);
        std::size_t previous = 0;
        for (int d : {8, 4, 2, 1}) {
            EncodeOptions o;
            o.canny.scaleDenominator = d;
            o.writeMetadata = false;
            const std::size_t bytes = Encoder::encode(img, o).file.edges->size();
            QVERIFY2(bytes >= previous, qPrintable(QString("scale 1/%1: %2 < %3").arg(d).arg(bytes).arg(previous)));
            previous = bytes;
        }
    }
    void badInputs()
    {
        EncodeOptions o;
        QVERIFY_THROWS_EXCEPTION(Error, Encoder::encode(cv::Mat(), o));
        QVERIFY_THROWS_EXCEPTION(Error, Encoder::encode(cv::Mat(10, 10, CV_8UC1), o));
        o.canny.scaleDenominator = 3;
        QVERIFY_THROWS_EXCEPTION(Error, Encoder::encode(scene(32, 32), o));
        EncodeOptions bad;
        bad.caption = "\xC0\xAF";  // overlong encoding of '/'
        QVERIFY_THROWS_EXCEPTION(Error, Encoder::encode(scene(32, 32), bad));
    }
    void streamErrorsNameTheStream()
    {
        EncodeOptions o;
        o.caption = "hello";
        SemFile f = Encoder::encode(scene(64, 64), o).file;
        f.edges->back() ^= 0xFF;
        f.edges->push_back(0x00);
        try {
            StreamDecoder::decode(SemFile::parse(f.serialize()));
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("edge"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestEncoder)
#include "tst_encoder.moc"

// StreamDecoder: the streams of a .sem decoded once each; the hint's thumbnail and its bicubic
// upsampling the same, byte for byte, as HintCodec's own decode of the stream.
#include <QtTest>
#include <opencv2/imgproc.hpp>

#include "core/common/Error.h"
#include "core/hint/HintCodec.h"
#include "core/pipeline/Encoder.h"
#include "core/pipeline/StreamDecoder.h"

using namespace sem;

namespace {

cv::Mat scene(int w, int h)
{
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(90, 140, 200));
    cv::rectangle(m, {w / 5, h / 5, w / 3, h / 2}, cv::Scalar(10, 20, 40), cv::FILLED);
    cv::circle(m, {w * 2 / 3, h / 2}, h / 4, cv::Scalar(250, 250, 250), cv::FILLED);
    return m;
}

bool identical(const cv::Mat& a, const cv::Mat& b)
{
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0.0;
}

}  // namespace

class TestStreamDecoder : public QObject {
    Q_OBJECT
private slots:
    void hintMatchesHintCodec_data()
    {
        QTest::addColumn<int>("factor");
        QTest::addColumn<int>("quality");
        QTest::newRow("vp8 1/16") << 16 << -1;
        QTest::newRow("1/8 q20") << 8 << 20;
        QTest::newRow("1/32") << 32 << -1;
        QTest::newRow("1/4") << 4 << -1;
    }
    void hintMatchesHintCodec()
    {
        QFETCH(int, factor);
        QFETCH(int, quality);
        const cv::Mat img = scene(203, 157);  // odd sizes: the bicubic upsampling is not a plain multiple
        EncodeOptions o;
        o.hint = {factor, quality};
        const SemFile file = SemFile::parse(Encoder::encode(img, o).file.serialize());
        QVERIFY(file.hint);
        const DecodedStreams s = StreamDecoder::decode(file);
        const auto& h = *file.hint;
        QVERIFY(identical(s.hintThumbnail, HintCodec::decodeThumbnail(h.data(), h.size(), 203, 157)));
        QVERIFY(identical(s.hintUpsampled, HintCodec::decodeUpsampled(h.data(), h.size(), 203, 157)));
        QCOMPARE(s.hintUpsampled.cols, 203);
        QCOMPARE(s.hintUpsampled.rows, 157);
        QVERIFY(identical(HintCodec::upsample(s.hintThumbnail, 203, 157), s.hintUpsampled));
    }
    void absentStreamsAreEmpty()
    {
        EncodeOptions o;
        o.hint.factor = 0;  // no hint chunk
        SemFile f = Encoder::encode(scene(64, 48), o).file;
        f.edges.reset();
        const DecodedStreams s = StreamDecoder::decode(SemFile::parse(f.serialize()));
        QVERIFY(s.edges.empty());
        QVERIFY(s.caption.empty());
        QVERIFY(s.hintThumbnail.empty());
        QVERIFY(s.hintUpsampled.empty());
        QVERIFY(HintCodec::upsample(cv::Mat(), 64, 48).empty());
    }
    void malformedHintNamesTheStream()
    {
        EncodeOptions o;
        o.hint.factor = 16;
        SemFile f = Encoder::encode(scene(64, 64), o).file;
        f.hint->push_back(0x00);  // trailing data after the thumbnail
        try {
            StreamDecoder::decode(SemFile::parse(f.serialize()));
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("hint stream"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestStreamDecoder)
#include "tst_streamdecoder.moc"

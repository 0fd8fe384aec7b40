#include <QtTest>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <vector>

#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/edges/JbigCoder.h"
#include "tests/core/edges/EdgeBitmaps.h"

using sem::EdgeCodec;
using sem::EdgeMap;
using Bytes = std::vector<std::uint8_t>;

namespace {

using sem::test::randomPlane;
using sem::test::structuredPlane;

EdgeMap makeMap(int imageW, int imageH, int d, int planes, bool random, unsigned seed)
{
    EdgeMap m;
    m.scaleDenominator = d;
    m.width = sem::edgeMapSide(imageW, d);
    m.height = sem::edgeMapSide(imageH, d);
    for (int i = 0; i < planes; ++i)
        m.planes.push_back(random ? randomPlane(m.width, m.height, 0.1 + 0.2 * i, seed + unsigned(i))
                                  : structuredPlane(m.width, m.height, seed + unsigned(i)));
    return m;
}

bool sameMap(const EdgeMap& a, const EdgeMap& b)
{
    if (a.width != b.width || a.height != b.height || a.scaleDenominator != b.scaleDenominator ||
        a.planes.size() != b.planes.size())
        return false;
    for (std::size_t i = 0; i < a.planes.size(); ++i) {
        if (b.planes[i].type() != CV_8UC1 || b.planes[i].size() != a.planes[i].size())
            return false;
        if (cv::norm(a.planes[i], b.planes[i], cv::NORM_INF) != 0)
            return false;
    }
    return true;
}

EdgeMap decode(const Bytes& b, int w, int h)
{
    return EdgeCodec::decode(b.data(), b.size(), w, h);
}

}  // namespace

class TestEdgeCodec : public QObject {
    Q_OBJECT

private slots:
    void roundTripOddSizesEveryScale_data()
    {
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("planes");
        QTest::addColumn<bool>("random");
        for (int d : {1, 2, 4, 8})
            for (int planes : {1, 3})
                for (bool random : {false, true})
                    QTest::addRow("1/%d %d plane(s) %s", d, planes, random ? "random" : "structured")
                        << d << planes << random;
    }

    void roundTripOddSizesEveryScale()
    {
        QFETCH(int, scale);
        QFETCH(int, planes);
        QFETCH(bool, random);
        for (const auto& [w, h] : {std::pair{321, 481}, std::pair{481, 321}, std::pair{17, 9}}) {
            const EdgeMap m = makeMap(w, h, scale, planes, random, unsigned(w * 7 + scale));
            const Bytes b = EdgeCodec::encode(m);
            QVERIFY(sameMap(m, decode(b, w, h)));
        }
    }

    void roundTripEveryProfile()
    {
        const EdgeMap m = makeMap(321, 481, 1, 1, false, 3);
        for (int p = 0; p < EdgeCodec::kProfileCount; ++p) {
            const Bytes b = EdgeCodec::encode(m, p);
            QVERIFY(sameMap(m, decode(b, 321, 481)));
        }
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::encode(m, EdgeCodec::kProfileCount));
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::encode(m, -1));
    }

    void roundTripExtremeMaps()
    {
        for (const auto& [w, h] : {std::pair{1, 1}, std::pair{8, 1}, std::pair{1, 300}, std::pair{300, 2}}) {
            for (int value : {0, 255}) {
                EdgeMap m;
                m.width = w;
                m.height = h;
                m.planes = {cv::Mat(h, w, CV_8UC1, cv::Scalar(value))};
                const Bytes b = EdgeCodec::encode(m);
                QVERIFY(sameMap(m, decode(b, w, h)));
            }
        }
        // Any nonzero value is an edge and decodes as 255.
        EdgeMap m;
        m.width = 3;
        m.height = 1;
        m.planes = {(cv::Mat_<uchar>(1, 3) << 0, 1, 77)};
        const EdgeMap back = [&] { const Bytes b = EdgeCodec::encode(m); return decode(b, 3, 1); }();
        QCOMPARE(int(back.planes[0].at<uchar>(0, 1)), 255);
        QCOMPARE(int(back.planes[0].at<uchar>(0, 2)), 255);
    }

    void overheadIsAFewBytes()
    {
        // An empty 192x128 map (a 768x512 image at 1/4) costs only the header and the coder flush.
        EdgeMap m;
        m.width = 192;
        m.height = 128;
        m.scaleDenominator = 4;
        m.planes = {cv::Mat::zeros(128, 192, CV_8UC1)};
        const Bytes b = EdgeCodec::encode(m);
        QVERIFY2(b.size() <= 8, qPrintable(QString::number(b.size())));
        QVERIFY(sameMap(m, decode(b, 768, 512)));
    }

    void jbigBeatsBilevelPng()
    {
        const cv::Mat plane = structuredPlane(512, 384, 11);
        EdgeMap m;
        m.width = 512;
        m.height = 384;
        m.planes = {plane};
        const Bytes jbig = EdgeCodec::encode(m);
        std::vector<uchar> png;
        cv::imencode(".png", plane, png, {cv::IMWRITE_PNG_BILEVEL, 1, cv::IMWRITE_PNG_COMPRESSION, 9});
        QVERIFY2(double(jbig.size()) < 0.65 * double(png.size()),
                 qPrintable(QStringLiteral("JBIG %1 bytes, PNG %2 bytes").arg(jbig.size()).arg(png.size())));
    }

    void everyPrefixIsRefused()
    {
        for (int planes : {1, 3}) {
            const EdgeMap m = makeMap(100, 60, 2, planes, false, 5);
            const Bytes b = EdgeCodec::encode(m);
            for (std::size_t n = 0; n < b.size(); ++n)
                QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::decode(b.data(), n, 100, 60));
            QVERIFY(sameMap(m, decode(b, 100, 60)));
        }
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::decode(nullptr, 0, 100, 60));
    }

    void defaultEncodeIsTheSmallerOfContextAndJbig()
    {
        for (unsigned seed = 0; seed < 6; ++seed) {
            const EdgeMap m = makeMap(160, 120, seed % 2 ? 4 : 8, 1, seed >= 4, seed);
            const Bytes context = EdgeCodec::encode(m, EdgeCodec::kContextProfile);
            const Bytes jbig = EdgeCodec::encode(m, 0);
            const Bytes chosen = EdgeCodec::encode(m);
            QCOMPARE(chosen.size(), std::min(context.size(), jbig.size()));
            QCOMPARE((chosen[0] >> 4) & 7, context.size() <= jbig.size() ? EdgeCodec::kContextProfile : 0);
            QVERIFY(sameMap(m, decode(chosen, 160, 120)));
        }
    }

    // The trained contexts pay off on real photo edges at the scales the low rates use (a bundled
    // sample, which is among the photos the tables were fitted on, so this is a regression check;
    // docs/bench/edges.md has the held-out validation-split numbers: -21 % at 1/8, -15 % at 1/4).
    void contextProfileBeatsJbigOnPhotoEdges()
    {
        const cv::Mat photo = cv::imread(SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg", cv::IMREAD_COLOR);
        QVERIFY(!photo.empty());
        for (const int d : {4, 8}) {
            sem::CannyParams p;
            p.scaleDenominator = d;
            const EdgeMap m = sem::EdgeExtractor::extract(photo, p);
            const Bytes context = EdgeCodec::encode(m, EdgeCodec::kContextProfile);
            const Bytes jbig = EdgeCodec::encode(m, 0);
            QVERIFY2(double(context.size()) < 0.9 * double(jbig.size()),
                     qPrintable(QStringLiteral("1/%1: %2 vs %3 bytes").arg(d).arg(context.size()).arg(jbig.size())));
            QVERIFY(sameMap(m, decode(context, photo.cols, photo.rows)));
        }
    }

    void trailingGarbageIsRefused()
    {
        const EdgeMap m = makeMap(100, 60, 1, 1, false, 6);
        for (int p = 0; p < EdgeCodec::kProfileCount; ++p) {
            const Bytes b = EdgeCodec::encode(m, p);
            for (std::uint8_t extra : {0x00, 0xFF, 0x02}) {
                Bytes c = b;
                c.push_back(extra);
                QVERIFY_THROWS_EXCEPTION(sem::Error, decode(c, 100, 60));
            }
        }
    }

    void malformedHeadersAreRefused()
    {
        const EdgeMap m = makeMap(64, 48, 4, 1, false, 7);
        const Bytes good = EdgeCodec::encode(m);
        auto withHead = [&](std::uint8_t head) {
            Bytes b = good;
            b[0] = head;
            return b;
        };
        const std::uint8_t scaleBits = good[0] & 3;
        QCOMPARE(int(scaleBits), 2);
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(withHead(scaleBits | (0 << 2)), 64, 48));  // 0 planes
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(withHead(scaleBits | (2 << 2)), 64, 48));  // 2 planes
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(withHead(std::uint8_t(good[0] | 0x80)), 64, 48));  // reserved
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(withHead(std::uint8_t(good[0] | (7 << 4))), 64, 48));  // profile
        // The 3-plane claim needs three planes.
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(withHead(std::uint8_t(good[0] | (3 << 2))), 64, 48));
        // A plane length beyond the data.
        Bytes b = good;
        b[1] = 0x7F;
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(b, 64, 48));
        // Maps without 1 or 3 planes, or of an inconsistent size, are not encoded.
        EdgeMap bad = m;
        bad.planes.clear();
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::encode(bad));
        bad = m;
        bad.planes.push_back(m.planes[0]);
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::encode(bad));
        bad = m;
        bad.width += 1;
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::encode(bad));
        bad = m;
        bad.scaleDenominator = 3;
        QVERIFY_THROWS_EXCEPTION(sem::Error, EdgeCodec::encode(bad));
    }

    void imageSizeIsCheckedBeforeDecoding()
    {
        const EdgeMap m = makeMap(64, 48, 1, 1, false, 8);
        const Bytes b = EdgeCodec::encode(m);
        for (const auto& [w, h] : {std::pair{0, 48}, std::pair{64, 0}, std::pair{-64, 48}, std::pair{16385, 48},
                                   std::pair{64, 1 << 30}}) {
            try {
                decode(b, w, h);
                QFAIL("no error for an out-of-range image size");
            } catch (const sem::Error& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("image size")), e.what());
            }
        }
    }

    void declaredSizeMismatchIsRefusedBeforeAllocation()
    {
        // A full BIE (as JbigCoder writes it) whose header declares another size is refused from
        // the header alone, including sizes that would need gigabytes.
        const cv::Mat plane = structuredPlane(64, 48, 9);
        Bytes bie = sem::JbigCoder::encode(plane, EdgeCodec::profileOptions(0));
        QCOMPARE(sem::JbigCoder::decode(bie.data(), bie.size(), 64, 48, "edge stream").size(), plane.size());
        for (const auto& [w, h] : {std::pair{65, 48}, std::pair{64, 47}, std::pair{48, 64}}) {
            try {
                sem::JbigCoder::decode(bie.data(), bie.size(), w, h, "edge stream");
                QFAIL("no error for a size mismatch");
            } catch (const sem::Error& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("64x48")), e.what());
            }
        }
        Bytes huge = bie;
        for (int i = 4; i < 12; ++i)
            huge[std::size_t(i)] = 0xF0;  // 4 billion x 4 billion
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::JbigCoder::decode(huge.data(), huge.size(), 64, 48, "edge stream"));
        QVERIFY_THROWS_EXCEPTION(sem::Error, sem::JbigCoder::decode(bie.data(), 19, 64, 48, "edge stream"));
        Bytes twoPlanes = bie;
        twoPlanes[2] = 2;
        QVERIFY_THROWS_EXCEPTION(sem::Error,
                                 sem::JbigCoder::decode(twoPlanes.data(), twoPlanes.size(), 64, 48, "edge stream"));
        // The edge stream itself stores no size: decoding it for another image never crashes and
        // gives either an error or a map of the size that image needs.
        const EdgeMap m = makeMap(64, 48, 1, 1, false, 9);
        const Bytes b = EdgeCodec::encode(m);
        for (const auto& [w, h] : {std::pair{65, 48}, std::pair{64, 47}, std::pair{640, 480}, std::pair{3, 2}}) {
            try {
                const EdgeMap other = decode(b, w, h);
                QCOMPARE(other.width, w);
                QCOMPARE(other.height, h);
                QCOMPARE(other.planes[0].cols, w);
                QCOMPARE(other.planes[0].rows, h);
            } catch (const sem::Error&) {
            }
        }
    }

    void randomByteFlipsNeverCrash()
    {
        std::mt19937 gen(1234);
        int errors = 0, decoded = 0;
        for (int planes : {1, 3}) {
            const EdgeMap m = makeMap(90, 70, 1, planes, false, 10);
            const Bytes good = EdgeCodec::encode(m);
            std::uniform_int_distribution<std::size_t> pos(0, good.size() - 1);
            std::uniform_int_distribution<int> flips(1, 4);
            std::uniform_int_distribution<int> byte(0, 255);
            for (int trial = 0; trial < 1500; ++trial) {
                Bytes b = good;
                for (int f = flips(gen); f > 0; --f)
                    b[pos(gen)] ^= std::uint8_t(1 + byte(gen) % 255);
                try {
                    const EdgeMap r = decode(b, 90, 70);
                    const int d = r.scaleDenominator;
                    QVERIFY(d == 1 || d == 2 || d == 4 || d == 8);
                    QCOMPARE(r.width, sem::edgeMapSide(90, d));
                    QCOMPARE(r.height, sem::edgeMapSide(70, d));
                    QVERIFY(r.planes.size() == 1 || r.planes.size() == 3);
                    for (const cv::Mat& p : r.planes) {
                        QCOMPARE(p.cols, r.width);
                        QCOMPARE(p.rows, r.height);
                        QCOMPARE(p.type(), CV_8UC1);
                    }
                    ++decoded;
                } catch (const sem::Error&) {
                    ++errors;
                }
            }
        }
        qInfo("byte flips: %d refused, %d decoded", errors, decoded);
        QCOMPARE(errors + decoded, 3000);
        // Purely random streams too.
        for (int trial = 0; trial < 500; ++trial) {
            Bytes b(std::size_t(1 + trial % 64));
            for (auto& v : b)
                v = std::uint8_t(byte0(gen));
            try {
                decode(b, 33, 21);
            } catch (const sem::Error&) {
            }
        }
    }

private:
    static int byte0(std::mt19937& gen) { return std::uniform_int_distribution<int>(0, 255)(gen); }
};

QTEST_APPLESS_MAIN(TestEdgeCodec)
#include "tst_edgecodec.moc"

#include <QtTest>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "core/common/Error.h"
#include "core/edges/ContextCoder.h"
#include "core/edges/EdgeContextTables.h"
#include "tests/core/edges/EdgeBitmaps.h"

using sem::ContextCoder;
using Bytes = std::vector<std::uint8_t>;

namespace {

using sem::test::randomPlane;
using sem::test::structuredPlane;

// Sparse horizontal strokes.
cv::Mat strokes(unsigned seed)
{
    cv::Mat m = cv::Mat::zeros(40, 60, CV_8UC1);
    cv::RNG rng(seed);
    for (int i = 0; i < 4; ++i) {
        const int y = rng.uniform(0, 40), x = rng.uniform(0, 30);
        cv::line(m, {x, y}, {x + rng.uniform(10, 29), y}, cv::Scalar(255));
    }
    return m;
}

bool same(const cv::Mat& a, const cv::Mat& b)
{
    return a.size() == b.size() && b.type() == CV_8UC1 && cv::norm(a != 0, b != 0, cv::NORM_INF) == 0;
}

cv::Mat decode(const Bytes& b, int w, int h, const ContextCoder::Table& t)
{
    return ContextCoder::decode(b.data(), b.size(), w, h, t, "test");
}

}  // namespace

class TestContextCoder : public QObject {
    Q_OBJECT

private slots:
    void roundTripsAnyBitmap_data()
    {
        QTest::addColumn<int>("w");
        QTest::addColumn<int>("h");
        QTest::addColumn<int>("kind");  // 0 empty, 1 full, 2 structured, 3 noise
        for (const auto& [w, h] : {std::pair{1, 1}, std::pair{1, 9}, std::pair{9, 1}, std::pair{5, 3},
                                   std::pair{33, 17}, std::pair{120, 80}})
            for (int kind = 0; kind < 4; ++kind)
                QTest::addRow("%dx%d kind %d", w, h, kind) << w << h << kind;
    }
    void roundTripsAnyBitmap()
    {
        QFETCH(int, w);
        QFETCH(int, h);
        QFETCH(int, kind);
        const cv::Mat m = kind == 0   ? cv::Mat(cv::Mat::zeros(h, w, CV_8UC1))
                          : kind == 1 ? cv::Mat(h, w, CV_8UC1, cv::Scalar(255))
                          : kind == 2 ? structuredPlane(w, h, 3)
                                      : randomPlane(w, h, 0.3, 4);
        static const ContextCoder::Table zero{};
        for (const ContextCoder::Table* t :
             std::initializer_list<const ContextCoder::Table*>{&zero, &sem::edgeContextTable(1), &sem::edgeContextTable(8)}) {
            const Bytes b = ContextCoder::encode(m, *t);
            QVERIFY(same(m, decode(b, w, h, *t)));
        }
    }

    // An arithmetic-coded stream has no redundancy: a truncated, corrupt or misapplied stream still
    // decodes to some bitmap (the .sem container's length prefixes and CRC-32 catch those). What
    // the decoder must do is return a bitmap of the requested size or throw, never crash.
    void truncatedCorruptOrMisappliedStreamsNeverCrash()
    {
        const cv::Mat m = structuredPlane(80, 60, 6);
        const ContextCoder::Table& t = sem::edgeContextTable(2);
        const Bytes b = ContextCoder::encode(m, t);
        QVERIFY(b.size() > 20);
        auto tryDecode = [&](const Bytes& data, std::size_t n, int w, int h, const ContextCoder::Table& table) {
            try {
                const cv::Mat out = ContextCoder::decode(data.data(), n, w, h, table, "test");
                QCOMPARE(out.cols, w);
                QCOMPARE(out.rows, h);
                QCOMPARE(out.type(), CV_8UC1);
            } catch (const sem::Error&) {
            }
        };
        for (std::size_t n = 0; n < b.size(); ++n)
            tryDecode(b, n, 80, 60, t);
        for (std::size_t i = 0; i < b.size(); ++i)
            for (const std::uint8_t flip : {0x01, 0x80, 0xFF}) {
                Bytes c = b;
                c[i] ^= flip;
                tryDecode(c, c.size(), 80, 60, t);
            }
        tryDecode(b, b.size(), 80, 59, t);
        tryDecode(b, b.size(), 7, 300, t);
        tryDecode(b, b.size(), 80, 60, ContextCoder::Table{});
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(b, 0, 60, t));
        QVERIFY_THROWS_EXCEPTION(sem::Error, ContextCoder::decode(nullptr, 3, 80, 60, t, "test"));
        QVERIFY(same(m, decode(b, 80, 60, t)));
    }

    // Only the stream encode() writes for the decoded bitmap is accepted. Appended zero bytes never
    // change the bitmap (the decoder pads with zeros), so they are always refused. (Other appended
    // bytes may turn the last pixels into another bitmap whose coding they are: 26 of 120 tried
    // here were accepted, which is why the container's CRC is what catches corruption.)
    void appendedZeroBytesAreRefused()
    {
        for (unsigned seed = 0; seed < 8; ++seed) {
            const cv::Mat m = structuredPlane(64, 48, seed);
            const ContextCoder::Table& t = sem::edgeContextTable(4);
            Bytes b = ContextCoder::encode(m, t);
            QVERIFY(same(m, decode(b, 64, 48, t)));
            for (int i = 0; i < 3; ++i) {
                b.push_back(0x00);
                QVERIFY_THROWS_EXCEPTION(sem::Error, decode(b, 64, 48, t));
            }
        }
    }

    void invalidTablesAndBitmapsAreRefused()
    {
        ContextCoder::Table bad{};
        bad[17] = 113;  // states are 0..112
        QVERIFY(!ContextCoder::valid(bad));
        QVERIFY(ContextCoder::valid(ContextCoder::Table{}));
        const cv::Mat m = structuredPlane(16, 16, 7);
        QVERIFY_THROWS_EXCEPTION(sem::Error, ContextCoder::encode(m, bad));
        const Bytes b = ContextCoder::encode(m, ContextCoder::Table{});
        QVERIFY_THROWS_EXCEPTION(sem::Error, decode(b, 16, 16, bad));
        QVERIFY_THROWS_EXCEPTION(sem::Error, ContextCoder::encode(cv::Mat(), ContextCoder::Table{}));
        QVERIFY_THROWS_EXCEPTION(sem::Error, ContextCoder::encode(cv::Mat(4, 4, CV_32F), ContextCoder::Table{}));
    }

    void fittedStatesLearnTheStatistics()
    {
        // Sparse maps of horizontal strokes: an empty neighbourhood almost always stays empty, and a
        // pixel right of an edge pixel (with nothing above) almost always continues the stroke.
        std::vector<cv::Mat> training;
        for (unsigned seed = 0; seed < 40; ++seed)
            training.push_back(strokes(seed));
        const ContextCoder::Table t = ContextCoder::fit(training);
        QVERIFY(ContextCoder::valid(t));
        const int emptyContext = 0;
        const int strokeContext = 1 << 11;  // only the pixel to the left is set
        QCOMPARE(t[emptyContext] >> 7, 0);  // more probable: no edge
        QCOMPARE(t[strokeContext] >> 7, 1);  // more probable: edge
        // Unseen contexts keep JBIG's start state.
        QCOMPARE(int(t[ContextCoder::kContexts - 1]), 0);
        // On new maps of the same kind the fitted table codes smaller than starting from nothing.
        std::size_t fitted = 0, fresh = 0;
        for (unsigned seed = 100; seed < 110; ++seed) {
            const cv::Mat m = strokes(seed);
            const Bytes a = ContextCoder::encode(m, t);
            QVERIFY(same(m, decode(a, 60, 40, t)));
            fitted += a.size();
            fresh += ContextCoder::encode(m, ContextCoder::Table{}).size();
        }
        QVERIFY2(double(fitted) < 0.8 * double(fresh), qPrintable(QStringLiteral("%1 vs %2").arg(fitted).arg(fresh)));
        QVERIFY_THROWS_EXCEPTION(sem::Error, ContextCoder::fit({cv::Mat()}));
    }
};

QTEST_APPLESS_MAIN(TestContextCoder)
#include "tst_contextcoder.moc"

#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/common/Error.h"
#include "core/pipeline/RateLadder.h"

using namespace sem;

class TestRateLadder : public QObject {
    Q_OBJECT
private slots:
    void lastFittingTakesTheLastRungThatFits()
    {
        QCOMPARE(RateLadder::lastFitting({}, 10.0), -1);
        QCOMPARE(RateLadder::lastFitting({5, 7, 9}, 4.0), -1);
        QCOMPARE(RateLadder::lastFitting({5, 7, 9}, 7.0), 1);
        QCOMPARE(RateLadder::lastFitting({5, 7, 9}, 100.0), 2);
        // Sizes need not rise along the ladder: a later rung that fits wins over an earlier one.
        QCOMPARE(RateLadder::lastFitting({5, 9, 6, 12}, 8.0), 2);
    }

    void rungsAreValidAndListed()
    {
        const auto& rungs = RateLadder::rungs();
        QVERIFY(rungs.size() >= 8);
        const QStringList listed = QString::fromStdString(RateLadder::pointList()).split(',');
        QCOMPARE(listed.size(), static_cast<int>(rungs.size()));
        QCOMPARE(listed.front(), QStringLiteral("8:32:400"));
        QCOMPARE(listed[3], QStringLiteral("4:16:400:16"));
        QCOMPARE(listed[4], QStringLiteral("8:8q2:400"));
        for (const OperatingPoint& r : rungs) {
            EncodeOptions o;
            r.apply(o);
            o.canny.validate();  // throws on a bad rung
            o.hint.validate();
            QVERIFY(!o.canny.autoThresholds);
            QCOMPARE(o.canny.low, r.high / 2);
        }
    }

    void encodeWithinKeepsTheBudget()
    {
        const cv::Mat photo = cv::imread(SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg", cv::IMREAD_COLOR);
        QVERIFY(!photo.empty());
        EncodeOptions base;
        base.caption = "a family at a dinner table";
        const double pixels = static_cast<double>(photo.cols) * photo.rows;
        int previousRung = -1;
        std::size_t previousBytes = 0;
        for (const double bpp : {0.008, 0.012, 0.02, 0.03, 0.05, 0.08}) {
            const auto budget = static_cast<std::size_t>(bpp * pixels / 8.0);
            const LadderResult r = RateLadder::encodeWithin(photo, base, budget);
            QVERIFY2(r.bytes <= budget, qPrintable(QStringLiteral("%1 > %2").arg(r.bytes).arg(budget)));
            QCOMPARE(r.result.file.serialize().size(), r.bytes);
            QVERIFY(r.result.file.caption.has_value());  // the caption is kept and paid for
            QVERIFY(r.rung >= previousRung);  // more bytes never pick a lower rung
            QVERIFY(r.bytes >= previousBytes || r.rung > previousRung);
            previousRung = r.rung;
            previousBytes = r.bytes;
            // The file is the encode of the point it reports, exactly: the rung, its hint quality
            // raised to fill the budget (same edges and hint factor).
            const OperatingPoint& rung = RateLadder::rungs()[static_cast<std::size_t>(r.rung)];
            QCOMPARE(r.point.scale, rung.scale);
            QCOMPARE(r.point.hint, rung.hint);
            QCOMPARE(r.point.high, rung.high);
            EncodeOptions o = base;
            r.point.apply(o);
            QVERIFY(Encoder::encode(photo, o).file.serialize() == r.result.file.serialize());
            if (r.rungQuality >= 0) {
                QVERIFY(r.point.hintQuality > r.rungQuality);
                // Without the fill: the rung's own encode, smaller.
                const LadderResult plain = RateLadder::encodeWithin(photo, base, budget, RateLadder::rungs(), false);
                QCOMPARE(plain.rung, r.rung);
                QCOMPARE(plain.rungQuality, -1);
                QVERIFY(plain.bytes < r.bytes);
                EncodeOptions p = base;
                rung.apply(p);
                QVERIFY(Encoder::encode(photo, p).file.serialize() == plain.result.file.serialize());
            }
            // The fill lands within 10 % under the budget (this photo, targets up to the top rung).
            if (bpp <= 0.05)
                QVERIFY2(static_cast<double>(r.bytes) >= 0.9 * static_cast<double>(budget),
                         qPrintable(QStringLiteral("%1 bpp: %2 of %3 bytes").arg(bpp).arg(r.bytes).arg(budget)));
        }
        QCOMPARE(previousRung, static_cast<int>(RateLadder::rungs().size()) - 1);  // 0.08 bpp: the top rung
        // At 0.008 bpp the lowest rungs fit and a budget between two rungs picks the lower one.
        QVERIFY(RateLadder::encodeWithin(photo, base, static_cast<std::size_t>(0.008 * pixels / 8.0)).rung <
                RateLadder::encodeWithin(photo, base, static_cast<std::size_t>(0.03 * pixels / 8.0)).rung);
    }

    void customLadderIsUsed()
    {
        // A model's own ladder (ModelLadder): only its points are chosen from.
        const cv::Mat photo = cv::imread(SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg", cv::IMREAD_COLOR);
        const double pixels = static_cast<double>(photo.cols) * photo.rows;
        const std::vector<OperatingPoint> ladder = parseOperatingPoints("4:32,2:16:150");
        const auto big = static_cast<std::size_t>(0.5 * pixels / 8.0);
        const LadderResult top = RateLadder::encodeWithin(photo, EncodeOptions(), big, ladder, false);
        QCOMPARE(top.rung, 1);
        QCOMPARE(top.point.point(), std::string("2:16:150"));
        QCOMPARE(top.result.file.breakdown().total, top.bytes);
        QCOMPARE(top.sizes.size(), std::size_t(2));
        const LadderResult low = RateLadder::encodeWithin(photo, EncodeOptions(), top.sizes[0], ladder, false);
        QCOMPARE(low.rung, 0);
        QVERIFY_THROWS_EXCEPTION(Error, RateLadder::encodeWithin(photo, EncodeOptions(), big, {}, false));
    }

    void tooSmallBudgetNamesTheSmallestFile()
    {
        const cv::Mat photo = cv::imread(SEM_SOURCE_DIR "/resources/samples/coco_000000000790.jpg", cv::IMREAD_COLOR);
        try {
            RateLadder::encodeWithin(photo, EncodeOptions(), 20);
            QFAIL("a 20-byte budget was accepted");
        } catch (const Error& e) {
            const QString m = QString::fromUtf8(e.what());
            QVERIFY2(m.contains("20 bytes") && m.contains("smallest file is"), qPrintable(m));
        }
        QVERIFY_THROWS_EXCEPTION(Error, RateLadder::encodeWithin(cv::Mat(), EncodeOptions(), 1000));
    }
};

QTEST_GUILESS_MAIN(TestRateLadder)
#include "tst_rateladder.moc"

// `semc eval`'s per-image curves (baselines at each target) and the bootstrap intervals of its BD
// numbers.
#include <QtTest>

#include <cmath>

#include "cli/eval/ImageCurves.h"

using namespace sem::cli;

class TestImageCurves : public QObject {
    Q_OBJECT
private slots:
    // The mean per setting over the chosen images, only where every one of them reached it;
    // resamples may repeat images.
    void meanLeavesOutSettingsNotEveryImageReaches() {
        ImageCurves c;
        c.addImage({BdPoint{0.01, 18, 0.5, 0.7}, BdPoint{0.02, 20, 0.6, 0.8}});
        c.addImage({std::nullopt, BdPoint{0.018, 22, 0.7, 0.9}});
        QCOMPARE(c.imageCount(), std::size_t(2));
        const auto all = c.mean();
        QCOMPARE(all.size(), std::size_t(1));  // the second image cannot reach the first target
        QCOMPARE(all[0].bpp, (0.02 + 0.018) / 2);
        QCOMPARE(all[0].msSsim, (0.8 + 0.9) / 2);
        const auto first = c.mean({0, 0});
        QCOMPARE(first.size(), std::size_t(2));
        QCOMPARE(first[0].psnr, 18.0);
        const auto weighted = c.mean({0, 1, 1});
        QCOMPARE(weighted.size(), std::size_t(1));
        QCOMPARE(weighted[0].psnr, (20.0 + 22.0 + 22.0) / 3);
        QVERIFY(c.mean({}).empty());
        // What the curve leaves out is listed apart: the first setting, reached by one image of two.
        const auto partial = c.partial();
        QCOMPARE(partial.size(), std::size_t(1));
        QCOMPARE(partial[0].setting, std::size_t(0));
        QCOMPARE(partial[0].images, 1);
        QCOMPARE(partial[0].mean.psnr, 18.0);
    }

    // A percentile interval of the statistic over resamples: deterministic for a seed, around the
    // full-sample value for a mean, nan when the statistic is never finite.
    void bootstrapIntervalOfAMean() {
        std::vector<double> values;
        for (int i = 0; i < 50; ++i)
            values.push_back(i % 2 == 0 ? 1.0 : 3.0);  // mean 2, sd 1
        auto mean = [&](const std::vector<std::size_t>& idx) {
            double s = 0;
            for (const std::size_t i : idx)
                s += values[i];
            return s / static_cast<double>(idx.size());
        };
        const Interval a = bootstrapInterval(values.size(), 2000, 7, mean);
        const Interval b = bootstrapInterval(values.size(), 2000, 7, mean);
        QCOMPARE(a.lo, b.lo);
        QCOMPARE(a.hi, b.hi);
        QCOMPARE(a.valid, 2000);
        // The standard error is 1/sqrt(50) = 0.14: the interval is about 2 +- 0.28.
        QVERIFY2(a.lo > 1.6 && a.lo < 1.9 && a.hi > 2.1 && a.hi < 2.4, qPrintable(QString("%1 %2").arg(a.lo).arg(a.hi)));
        const Interval none = bootstrapInterval(values.size(), 100, 7, [](const std::vector<std::size_t>&) {
            return std::nan("");
        });
        QCOMPARE(none.valid, 0);
        QVERIFY(std::isnan(none.lo) && std::isnan(none.hi));
        QCOMPARE(bootstrapInterval(0, 100, 7, mean).valid, 0);
    }
};

QTEST_GUILESS_MAIN(TestImageCurves)
#include "tst_imagecurves.moc"

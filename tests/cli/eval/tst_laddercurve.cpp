// `semc eval`'s rate-target curves: per image the last ladder setting that fits each target.
#include <QtTest>

#include "cli/eval/LadderCurve.h"

using namespace sem::cli;

class TestLadderCurve : public QObject {
    Q_OBJECT
private slots:
    void picksTheLastFittingSettingPerImage() {
        LadderCurve c;
        c.addImage({{0.01, 10}, {0.02, 12}, {0.015, 13}, {0.04, 15}});  // third setting cheaper than the second
        c.addImage({{0.005, 20}, {0.03, 22}, {0.05, 25}, {0.06, 26}});
        const auto curve = c.atTargets({0.004, 0.012, 0.02, 0.05, 0.1});
        // 0.004: the second image fits, the first does not -> left out.
        QCOMPARE(curve.size(), std::size_t(4));
        QCOMPARE(curve[0].bpp, (0.01 + 0.005) / 2);  // 0.012: first setting / first setting
        QCOMPARE(curve[0].psnr, (10.0 + 20.0) / 2);
        QCOMPARE(curve[1].bpp, (0.015 + 0.005) / 2);  // 0.02: the third setting wins over the second
        QCOMPARE(curve[1].psnr, (13.0 + 20.0) / 2);
        QCOMPARE(curve[2].psnr, (15.0 + 25.0) / 2);  // 0.05
        QCOMPARE(curve[3].psnr, (15.0 + 26.0) / 2);  // 0.1: the top of both ladders
        QVERIFY(LadderCurve().atTargets({0.1}).empty());
    }

    // SSIM and MS-SSIM come from the same pick as the PSNR.
    void carriesSsimWithThePick() {
        LadderCurve c;
        c.addImage({{0.01, 10, 0.5, 0.7}, {0.02, 12, 0.6, 0.8}});
        c.addImage({{0.01, 20, 0.3, 0.5}, {0.03, 22, 0.4, 0.6}});
        const auto curve = c.atTargets({0.025});
        QCOMPARE(curve.size(), std::size_t(1));
        QCOMPARE(curve[0].psnr, (12.0 + 20.0) / 2);
        QCOMPARE(curve[0].ssim, (0.6 + 0.3) / 2);
        QCOMPARE(curve[0].msSsim, (0.8 + 0.5) / 2);
        // A bootstrap resample: the first image twice.
        const auto resampled = c.atTargets({0.025}, {0, 0});
        QCOMPARE(resampled[0].psnr, 12.0);
        QCOMPARE(c.imageCount(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestLadderCurve)
#include "tst_laddercurve.moc"

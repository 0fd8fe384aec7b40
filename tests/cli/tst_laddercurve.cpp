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
};

QTEST_GUILESS_MAIN(TestLadderCurve)
#include "tst_laddercurve.moc"

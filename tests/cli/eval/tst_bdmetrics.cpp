// Bjøntegaard metrics of semc eval (cli/eval/BdMetrics.h) on curves with known answers.
#include <QtTest>

#include <cmath>

#include "cli/eval/BdMetrics.h"

using sem::cli::BdPoint;

class BdMetricsTest : public QObject {
    Q_OBJECT
private slots:
    void knownShifts() {
        std::vector<BdPoint> ref, up, cheaper;
        for (const double r : {0.01, 0.02, 0.04, 0.08}) {
            const double psnr = 20.0 + 3.0 * std::log2(r / 0.01);
            ref.push_back({r, psnr});
            up.push_back({r, psnr + 1.0});        // +1 dB everywhere
            cheaper.push_back({r / 2.0, psnr});  // same quality at half the rate
        }
        QVERIFY(std::abs(sem::cli::bdPsnr(ref, ref)) < 1e-9);
        QVERIFY(std::abs(sem::cli::bdPsnr(ref, up) - 1.0) < 1e-6);
        QVERIFY(std::abs(sem::cli::bdPsnr(up, ref) + 1.0) < 1e-6);
        QVERIFY(std::abs(sem::cli::bdRatePercent(ref, cheaper) + 50.0) < 1e-6);
        // Limited to 0.02..0.04 bpp: still +1 dB; no overlap gives nan.
        QVERIFY(std::abs(sem::cli::bdPsnr(ref, up, 0.02, 0.04) - 1.0) < 1e-6);
        QVERIFY(std::isnan(sem::cli::bdPsnr(ref, up, 0.2, 0.4)));
        QVERIFY(std::isnan(sem::cli::bdPsnr({{0.01, 20.0}}, up)));
    }

    void paretoFrontKeepsOnlyUnbeatenPoints() {
        const std::vector<BdPoint> pts = {{0.03, 19.0}, {0.01, 17.0}, {0.02, 16.5}, {0.02, 18.0}, {0.05, 18.9}, {0.04, 19.5}};
        const std::vector<BdPoint> front = sem::cli::paretoFront(pts);
        QCOMPARE(front.size(), std::size_t(4));
        QCOMPARE(front[0].bpp, 0.01);
        QCOMPARE(front[1].psnr, 18.0);  // of the two points at 0.02 the better one
        QCOMPARE(front[2].bpp, 0.03);
        QCOMPARE(front[3].psnr, 19.5);  // 0.05 / 18.9 is beaten by 0.04 / 19.5
        QVERIFY(sem::cli::paretoFront({}).empty());
    }
};

QTEST_GUILESS_MAIN(BdMetricsTest)
#include "tst_bdmetrics.moc"

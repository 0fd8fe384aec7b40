// Bjøntegaard metrics of semc eval (cli/commands/EvalCommand.h) on curves with known answers.
#include <QtTest>

#include <cmath>

#include "cli/commands/EvalCommand.h"

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
};

QTEST_GUILESS_MAIN(BdMetricsTest)
#include "tst_bdmetrics.moc"

// Device resolution and the check of LibTorch's CPU convolutions that comes with it.
#include <QtTest>

#include "DeviceChecks.h"

using namespace sem::diffusion::checks;

class TestDevice : public QObject {
    Q_OBJECT

private slots:
    // Batch 2 with input channels that are and are not multiples of the vector width: right after
    // resolveDevice, whatever oneDNN this LibTorch carries (Debian 13's got 23, 24, 25 and 40 wrong).
    void cpuConvolutionsAreRight_data() {
        QTest::addColumn<int>("channels");
        for (const int c : {8, 16, 23, 24, 25, 32, 40})
            QTest::addRow("%d channels", c) << c;
    }
    void cpuConvolutionsAreRight() {
        QFETCH(int, channels);
        const double err = cpuConvolutionError(channels);
        QVERIFY2(err < 1e-5, qPrintable(QString::number(err)));
    }
    void guardAnswersOnce() { QVERIFY(guardIsStable()); }
    void namesAreChecked() {
        QVERIFY(resolveDeviceError("cpu").empty());
        QVERIFY(resolveDeviceError("auto").empty());
        QVERIFY(QString::fromStdString(resolveDeviceError("tpu")).contains("unknown device 'tpu'"));
        if (!cudaAvailable())
            QVERIFY(QString::fromStdString(resolveDeviceError("cuda")).contains("no CUDA device"));
    }
};

QTEST_GUILESS_MAIN(TestDevice)
#include "tst_device.moc"

#include <QtTest>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "core/common/Error.h"
#include "core/edges/CannyParams.h"

using sem::CannyParams;

class TestCannyParams : public QObject {
    Q_OBJECT

private:
    // Applies `change` to default params and checks that validate() throws naming `field`.
    static void expectInvalid(const std::function<void(CannyParams&)>& change, const char* field)
    {
        CannyParams p;
        change(p);
        try {
            p.validate();
            QFAIL(qPrintable(QStringLiteral("no error for an invalid %1").arg(QLatin1String(field))));
        } catch (const sem::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(field)), e.what());
        }
    }

    static bool valid(const std::function<void(CannyParams&)>& change)
    {
        CannyParams p;
        change(p);
        try {
            p.validate();
            return true;
        } catch (const sem::Error&) {
            return false;
        }
    }

private slots:
    void defaultsAreValid() { QVERIFY(valid([](CannyParams&) {})); }

    void equalityComparesEveryField()
    {
        const CannyParams a;
        QVERIFY(a == CannyParams());
        const std::vector<std::function<void(CannyParams&)>> changes{
            [](CannyParams& p) { p.low = 101; },         [](CannyParams& p) { p.high = 201; },
            [](CannyParams& p) { p.autoThresholds = true; }, [](CannyParams& p) { p.autoSigma = 0.3; },
            [](CannyParams& p) { p.blurSigma = 0; },     [](CannyParams& p) { p.aperture = 5; },
            [](CannyParams& p) { p.l2Gradient = false; }, [](CannyParams& p) { p.scaleDenominator = 8; },
            [](CannyParams& p) { p.minLength = 4; },     [](CannyParams& p) { p.perChannel = true; }};
        for (const auto& change : changes) {
            CannyParams b;
            change(b);
            QVERIFY(!(a == b));
        }
    }

    void boundaryValuesAreValid()
    {
        QVERIFY(valid([](CannyParams& p) { p.low = 0; p.high = 0; }));
        QVERIFY(valid([](CannyParams& p) { p.low = 150; p.high = 150; }));
        QVERIFY(valid([](CannyParams& p) { p.autoSigma = 1.0; }));
        QVERIFY(valid([](CannyParams& p) { p.blurSigma = 0.0; }));
        QVERIFY(valid([](CannyParams& p) { p.blurSigma = 20.0; }));
        for (int a : {3, 5, 7})
            QVERIFY(valid([a](CannyParams& p) { p.aperture = a; }));
        for (int d : {1, 2, 4, 8})
            QVERIFY(valid([d](CannyParams& p) { p.scaleDenominator = d; }));
        QVERIFY(valid([](CannyParams& p) { p.minLength = 100000; }));
        QVERIFY(valid([](CannyParams& p) { p.perChannel = true; }));
    }

    void thresholdsIgnoredWhenAuto()
    {
        QVERIFY(valid([](CannyParams& p) { p.autoThresholds = true; p.low = 300; p.high = 10; }));
        QVERIFY(valid([](CannyParams& p) { p.autoThresholds = true; p.low = -1; }));
    }

    void invalidValuesAreRefused()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        expectInvalid([](CannyParams& p) { p.low = -1; }, "low");
        expectInvalid([](CannyParams& p) { p.high = -0.5; p.low = -1; }, "low");
        expectInvalid([](CannyParams& p) { p.low = 0; p.high = -0.5; }, "high");
        expectInvalid([](CannyParams& p) { p.low = 201; p.high = 200; }, "low");
        expectInvalid([nan](CannyParams& p) { p.high = nan; }, "high");
        expectInvalid([](CannyParams& p) { p.autoSigma = 0.0; }, "autoSigma");
        expectInvalid([](CannyParams& p) { p.autoSigma = 1.01; }, "autoSigma");
        expectInvalid([nan](CannyParams& p) { p.autoSigma = nan; }, "autoSigma");
        expectInvalid([](CannyParams& p) { p.blurSigma = -0.1; }, "blurSigma");
        expectInvalid([](CannyParams& p) { p.blurSigma = 20.5; }, "blurSigma");
        expectInvalid([nan](CannyParams& p) { p.blurSigma = nan; }, "blurSigma");
        for (int a : {0, 1, 4, 9})
            expectInvalid([a](CannyParams& p) { p.aperture = a; }, "aperture");
        for (int d : {0, 3, 16, -4})
            expectInvalid([d](CannyParams& p) { p.scaleDenominator = d; }, "scaleDenominator");
        expectInvalid([](CannyParams& p) { p.minLength = -1; }, "minLength");
        expectInvalid([](CannyParams& p) { p.minLength = 100001; }, "minLength");
    }
};

QTEST_APPLESS_MAIN(TestCannyParams)
#include "tst_cannyparams.moc"

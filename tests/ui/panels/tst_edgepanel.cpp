#include <QtTest>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSlider>
#include <QSpinBox>

#include "ui/panels/EdgePanel.h"

using sem::CannyParams;
using sem::ui::EdgePanel;

class TestEdgePanel : public QObject {
    Q_OBJECT
private slots:
    void defaultsAreTheCoreDefaults()
    {
        EdgePanel p;
        const CannyParams d;
        const CannyParams got = p.params();
        QCOMPARE(got.low, d.low);
        QCOMPARE(got.high, d.high);
        QCOMPARE(got.autoThresholds, d.autoThresholds);
        QCOMPARE(got.blurSigma, d.blurSigma);
        QCOMPARE(got.scaleDenominator, d.scaleDenominator);
        QCOMPARE(got.minLength, d.minLength);
        QCOMPARE(got.perChannel, d.perChannel);
        got.validate();
    }
    void sliderAndSpinStayInSync()
    {
        EdgePanel p;
        QSignalSpy changed(&p, &EdgePanel::paramsChanged);
        p.lowSlider()->setValue(42);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(p.lowSpin()->value(), 42);
        QCOMPARE(p.params().low, 42.0);
        p.highSpin()->setValue(321);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(p.highSlider()->value(), 321);
        QCOMPARE(p.params().high, 321.0);
    }
    void lowNeverExceedsHigh()
    {
        EdgePanel p;
        p.highSlider()->setValue(150);
        p.lowSlider()->setValue(300);  // drags high along
        QCOMPARE(p.params().low, 300.0);
        QCOMPARE(p.params().high, 300.0);
        p.highSlider()->setValue(120);  // pushes low down
        QCOMPARE(p.params().low, 120.0);
        QCOMPARE(p.params().high, 120.0);
        p.params().validate();
    }
    void otherKnobs()
    {
        EdgePanel p;
        QSignalSpy changed(&p, &EdgePanel::paramsChanged);
        p.autoCheck()->setChecked(true);
        QVERIFY(!p.lowSlider()->isEnabled());
        QVERIFY(!p.highSpin()->isEnabled());
        p.blurSpin()->setValue(2.5);
        p.scaleCombo()->setCurrentIndex(p.scaleCombo()->findData(8));
        p.minLengthSpin()->setValue(12);
        p.rgbCheck()->setChecked(true);
        QCOMPARE(changed.count(), 5);
        const CannyParams got = p.params();
        QVERIFY(got.autoThresholds);
        QCOMPARE(got.blurSigma, 2.5);
        QCOMPARE(got.scaleDenominator, 8);
        QCOMPARE(got.minLength, 12);
        QVERIFY(got.perChannel);
        QCOMPARE(p.scaleCombo()->count(), 4);
    }
    void setParamsRoundTripsWithoutSignals()
    {
        EdgePanel p;
        QSignalSpy changed(&p, &EdgePanel::paramsChanged);
        CannyParams in;
        in.low = 33;
        in.high = 77;
        in.blurSigma = 0;
        in.scaleDenominator = 2;
        in.minLength = 5;
        in.perChannel = true;
        in.aperture = 5;  // no widget: kept from setParams
        p.setParams(in);
        QCOMPARE(changed.count(), 0);
        const CannyParams got = p.params();
        QCOMPARE(got.low, 33.0);
        QCOMPARE(got.high, 77.0);
        QCOMPARE(got.blurSigma, 0.0);
        QCOMPARE(got.scaleDenominator, 2);
        QCOMPARE(got.minLength, 5);
        QVERIFY(got.perChannel);
        QCOMPARE(got.aperture, 5);
        QVERIFY(p.lowSlider()->isEnabled());
    }
    void statusShowsResultOrError()
    {
        EdgePanel p;
        p.setResult(160, 107, 249, 79);
        QVERIFY(p.statusText().contains("160"));
        QVERIFY(p.statusText().contains("79 bytes"));
        p.setError("edge extraction: the image is empty.");
        QCOMPARE(p.statusText(), QStringLiteral("edge extraction: the image is empty."));
    }
};

QTEST_MAIN(TestEdgePanel)
#include "tst_edgepanel.moc"

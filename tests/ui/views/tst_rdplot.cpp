// RdPlot: curves and decoded points, nearest-point lookup for the hover tooltip, PNG/PDF export.
#include <QComboBox>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

#include "ui/views/RdPlot.h"

using sem::ui::RdPlot;
using sem::ui::RdPoint;

class TestRdPlot : public QObject {
    Q_OBJECT
private slots:
    void curvesPointsHoverExport()
    {
        RdPlot plot;
        plot.resize(600, 400);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        std::map<QString, QVector<RdPoint>> curves;
        curves["jpeg"] = {{0.05, 20.0, "jpeg q 3"}, {0.1, 24.0, "jpeg q 10"}, {0.3, 29.0, "jpeg q 40"}};
        curves["webp"] = {{0.02, 21.0, "webp q 1"}, {0.1, 26.0, "webp q 20"},
                          {0.2, std::numeric_limits<double>::infinity(), "lossless"}};
        plot.setBaselines(curves);
        QCOMPARE(plot.curveCount(), 2);
        QCOMPARE(plot.plot()->graphCount(), 2);
        QCOMPARE(plot.plot()->graph(1)->dataCount(), 2);  // the infinite PSNR is not drawn
        plot.addDecodedPoint({0.03, 18.5, "decode"});
        QCOMPARE(plot.decodedPointCount(), 1);
        QCOMPARE(plot.plot()->graphCount(), 3);
        plot.plot()->replot();

        RdPoint hit;
        QVERIFY(plot.nearestPoint(plot.pixelOf(0.1, 24.0) + QPoint(3, -2), &hit));
        QCOMPARE(hit.label, QString("jpeg q 10"));
        QVERIFY(plot.nearestPoint(plot.pixelOf(0.03, 18.5), &hit));
        QCOMPARE(hit.label, QString("decode"));
        QVERIFY(!plot.nearestPoint(plot.pixelOf(0.01, 35.0), &hit, 5.0) || hit.bpp != 0.01);

        QTemporaryDir dir;
        const QString png = dir.filePath("rd.png"), pdf = dir.filePath("rd.pdf");
        QVERIFY(plot.savePng(png));
        QVERIFY(plot.savePdf(pdf));
        QImage image(png);
        QCOMPARE(image.size(), QSize(900, 600));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(5), QByteArray("%PDF-"));

        // The y axis switches to MS-SSIM and NIQE; points without the metric are not drawn.
        curves["jpeg"][0].msSsim = 0.80;
        curves["jpeg"][1].msSsim = 0.90;
        curves["jpeg"][1].niqe = 6.5;
        curves["jpeg"][2].niqe = 4.0;
        plot.setBaselines(curves);
        QCOMPARE(plot.metric(), RdPlot::Metric::Psnr);
        auto* box = plot.findChild<QComboBox*>();
        QVERIFY(box);
        box->setCurrentIndex(box->findData(int(RdPlot::Metric::Niqe)));
        QCOMPARE(plot.metric(), RdPlot::Metric::Niqe);
        QVERIFY(plot.plot()->yAxis->label().startsWith("NIQE"));
        QCOMPARE(plot.plot()->graph(0)->dataCount(), 2);  // jpeg: the two points with a NIQE
        QCOMPARE(plot.plot()->graph(1)->dataCount(), 0);  // webp: none
        QVERIFY(plot.plot()->yAxis->range().contains(4.0) && plot.plot()->yAxis->range().contains(6.5));
        plot.plot()->replot();
        QVERIFY(plot.nearestPoint(plot.pixelOf(0.3, 4.0), &hit));
        QCOMPARE(hit.label, QString("jpeg q 40"));
        plot.setDecodedPointScores(0, 0.7, 9.0);
        QVERIFY(plot.nearestPoint(plot.pixelOf(0.03, 9.0), &hit));
        QCOMPARE(hit.label, QString("decode"));
        QCOMPARE(hit.niqe, 9.0);
        plot.setMetric(RdPlot::Metric::MsSsim);
        QCOMPARE(box->currentData().toInt(), int(RdPlot::Metric::MsSsim));
        QCOMPARE(plot.plot()->graph(0)->dataCount(), 2);
        QVERIFY(plot.plot()->yAxis->range().lower >= 0.0 && plot.plot()->yAxis->range().upper <= 1.0);
        plot.setMetric(RdPlot::Metric::Psnr);
        QCOMPARE(plot.plot()->graph(0)->dataCount(), 3);

        plot.clear();
        QCOMPARE(plot.curveCount(), 0);
        QCOMPARE(plot.decodedPointCount(), 0);
        QCOMPARE(plot.plot()->graphCount(), 0);
    }
};

QTEST_MAIN(TestRdPlot)
#include "tst_rdplot.moc"

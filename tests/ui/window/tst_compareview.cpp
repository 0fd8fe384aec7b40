// Issue 20, comparisons that are honest: every classical codec shown beside the reconstruction is
// within 5 % of the .sem's size or says its real size ("cannot go lower"); labels give codec,
// bytes, bpp, PSNR (SSIM, NIQE where measured); the results table lists the same numbers.
#include <QtTest>
#include <QSignalSpy>
#include <QStandardPaths>

#include "core/baselines/Baselines.h"
#include "core/metrics/Metrics.h"
#include "ui/views/ImageView.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"
#include "ui/views/ResultsTable.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include "ui/views/ViewMeasure.h"

using namespace sem;
using sem::ui::ImageView;
using sem::ui::MainWindow;
using sem::ui::ViewMeasure;
using Layer = ImageView::Layer;

class TestCompareView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_compareview");
    }

    void sizeNotes()
    {
        ViewMeasure m;
        m.targetBytes = 1000;
        m.bpp = 0.01;
        for (std::size_t bytes : {950u, 1000u, 1050u}) {
            m.bytes = bytes;
            QVERIFY(m.sameSize());
            QCOMPARE(m.sizeNote(), QString("same size"));
        }
        m.bytes = 949;
        QVERIFY(!m.sameSize());
        QCOMPARE(m.sizeNote(), QString("95 % of the .sem's size"));
        m.bytes = 3000;
        m.reached = false;
        QCOMPARE(m.sizeNote(), QString("cannot go lower"));
        m.psnr = 21.456;
        m.setting = "q 1";
        QCOMPARE(m.note(), QString("q 1 · %1 B · 0.0100 bpp, cannot go lower · PSNR 21.46 dB")
                               .arg(QLocale().toString(3000)));
        ViewMeasure sem;  // the .sem itself: no size note
        sem.bytes = 120;
        sem.bpp = 0.1;
        QVERIFY(sem.sameSize());
        QCOMPARE(sem.note(), QString("120 B · 0.1000 bpp"));
    }

    // On a small image every codec is either within 5 % of the target or labelled with what it is,
    // and the bytes shown are those of a real encode at the setting shown.
    void baselinesAtSizeAreHonest()
    {
        const cv::Mat image = devbench::syntheticPhoto(128, 96, 2);
        for (std::size_t target : {40u, 300u, 900u, 2500u}) {
            for (BaselineCodec codec : {BaselineCodec::Jpeg, BaselineCodec::Webp, BaselineCodec::WebpDownscale}) {
                const BaselineResult r = ViewMeasure::baselineAtSize(image, codec, target);
                const ViewMeasure m = ViewMeasure::ofBaseline(r, image, target);
                const QString what = QString("%1 at %2 B: %3").arg(QString::fromStdString(Baselines::name(codec)))
                                         .arg(target).arg(m.note());
                QCOMPARE(Baselines::encodeDecode(image, codec, r.quality, r.downscale).bytes, r.bytes);
                QVERIFY2(m.note().contains(QString::number(r.bpp, 'f', 4) + " bpp"), qPrintable(what));
                QVERIFY2(m.note().contains("PSNR ") && m.note().contains("SSIM "), qPrintable(what));
                QVERIFY2(double(r.bytes) <= 1.05 * double(target) || !r.reached, qPrintable(what));
                if (m.note().contains("same size"))
                    QVERIFY2(std::abs(double(r.bytes) - double(target)) <= 0.05 * double(target), qPrintable(what));
                else if (!r.reached)
                    QVERIFY2(m.note().contains("cannot go lower") && r.bytes > target, qPrintable(what));
                else
                    QVERIFY2(m.note().contains("% of the .sem's size") && r.bytes < target, qPrintable(what));
                if (codec == BaselineCodec::Jpeg && target == 40u)
                    QVERIFY2(m.note().contains("cannot go lower"), qPrintable(what));  // a JPEG header is more
                if (codec == BaselineCodec::WebpDownscale && target >= 300u)
                    QVERIFY2(r.reached, qPrintable(what));  // downscale+WebP reaches any size
            }
        }
    }

    void compareViewLabelsAndResultsTable()
    {
        MainWindow w;
        w.show();
        w.setImage(devbench::syntheticPhoto(256, 160, 5), "small.png");
        QTRY_VERIFY(!w.isBusy());
        const std::size_t semBytes = w.ratePanel()->breakdown().total;
        QVERIFY(semBytes > 0);
        QSignalSpy compared(&w, &MainWindow::compareUpdated);
        w.imageView()->setSecondLayer(Layer::WebpDownscale);
        w.requestCompare();
        QVERIFY(compared.wait(60000));
        QVERIFY(w.compareReady());
        ui::ResultsTable* table = w.resultsTable();
        QCOMPARE(table->rowCount(), 3);  // no decode yet: the three codecs
        int row = 0;
        for (Layer l : {Layer::Jpeg, Layer::Webp, Layer::WebpDownscale}) {
            const QString label = w.imageView()->labelText(l);
            QVERIFY2(!label.contains("same bpp"), qPrintable(label));
            QVERIFY2(label.startsWith(ImageView::layerName(l) + " · q "), qPrintable(label));
            QVERIFY2(label.contains(" B · ") && label.contains(" bpp") && label.contains("PSNR "), qPrintable(label));
            const bool same = label.contains("same size");
            QVERIFY2(same || label.contains("cannot go lower") || label.contains("% of the .sem's size"),
                     qPrintable(label));
            // The table row says the same: bytes, and PSNR equal to the image's.
            QVERIFY2(table->cellText(row, ui::ResultsTable::What).startsWith(ImageView::layerName(l)),
                     qPrintable(table->cellText(row, 0)));
            const qulonglong bytes = QLocale().toULongLong(table->cellText(row, ui::ResultsTable::Bytes));
            QVERIFY2(label.contains(QLocale().toString(bytes) + " B"), qPrintable(label));
            if (same)
                QVERIFY(std::abs(double(bytes) - double(semBytes)) <= 0.05 * double(semBytes));
            const QImage shown = w.imageView()->layerImage(l);
            QVERIFY(!shown.isNull());
            QVERIFY2(label.contains("PSNR " + table->cellText(row, ui::ResultsTable::Psnr) + " dB"), qPrintable(label));
            ++row;
        }
        // The split labels wrap to their side of the divider: nothing drawn outside the view.
        w.imageView()->setLayer(Layer::Jpeg);
        w.imageView()->setSplit(true);
        w.imageView()->resize(640, 400);
        for (bool left : {true, false}) {
            const QString text = w.imageView()->labelText(left ? Layer::Jpeg : Layer::WebpDownscale);
            const QRectF r = w.imageView()->labelRect(text, left);
            QVERIFY2(r.left() >= 0 && r.right() <= w.imageView()->width(), qPrintable(text));
        }
        if (qEnvironmentVariableIsSet("SEM_LAYOUT_SHOTS")) {
            w.resize(1280, 800);
            QTest::qWait(100);
            w.grab().save(qEnvironmentVariable("SEM_LAYOUT_SHOTS") + "/compare.png");
        }
        // A new document empties the table.
        w.setImage(devbench::syntheticPhoto(96, 64, 1), "other.png");
        QCOMPARE(table->rowCount(), 0);
    }
};

QTEST_MAIN(TestCompareView)
#include "tst_compareview.moc"

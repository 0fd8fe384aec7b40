// Issue 20, labels on every view: the Original, Edges and Hint views say what they show and what
// they cost (the original's size and file bytes; the coded edge stream's bytes and bpp; the hint's
// bytes, bpp and PSNR of the upsampled hint against the original), also in the single view; a
// .sem opened on its own labels its streams. (The reconstruction's label: tst_decode.)
#include <QtTest>
#include <QComboBox>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <opencv2/imgcodecs.hpp>

#include "core/hint/HintCodec.h"
#include "core/metrics/Metrics.h"
#include "ui/panels/HintPanel.h"
#include "ui/views/ImageView.h"
#include "ui/views/LayerNotes.h"
#include "ui/window/MainWindow.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using namespace sem;
using sem::ui::ImageView;
using sem::ui::LayerNotes;
using sem::ui::MainWindow;
using Layer = ImageView::Layer;

namespace {
QString bppText(std::size_t bytes, int w, int h)
{
    return QString::number(double(bytes) * 8.0 / (double(w) * double(h)), 'f', 4) + " bpp";
}
}  // namespace

class TestViewLabels : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_png;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_viewlabels");
        QVERIFY(m_dir.isValid());
        m_png = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_png.toStdString(), devbench::syntheticPhoto(320, 200, 7)));
    }

    void notesSayWhatTheyCost()
    {
        QCOMPARE(LayerNotes::original(QSize(768, 512)), QString("768×512 px"));
        QCOMPARE(LayerNotes::original(QSize(768, 512), 4567, "PNG"),
                 QString("768×512 px · PNG file %1 B").arg(QLocale().toString(4567)));
        // 1,000 bytes over 400x200 pixels: 0.1000 bpp.
        QCOMPARE(LayerNotes::edges(1000, QSize(200, 100), QSize(400, 200)),
                 QString("map 200×100 (1/2) · %1 B · 0.1000 bpp").arg(QLocale().toString(1000)));
        QCOMPARE(LayerNotes::hint(50, QSize(25, 13), QSize(400, 200), 21.456),
                 QString("thumbnail 25×13, upsampled · 50 B · 0.0050 bpp · PSNR 21.46 dB"));
        QCOMPARE(LayerNotes::join("a", ""), QString("a"));
        QCOMPARE(LayerNotes::join("", "b"), QString("b"));
        QCOMPARE(LayerNotes::join("a", "b"), QString("a · b"));
    }

    // A known image: every label gives the numbers of the streams the document holds.
    void labelsOfAKnownImage()
    {
        MainWindow w;
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(w.openImage(m_png), qPrintable(w.lastError()));
        w.hintPanel()->factorCombo()->setCurrentIndex(w.hintPanel()->factorCombo()->findData(16));
        QTRY_VERIFY(!w.isBusy());
        w.stopBaselineSweep();
        ImageView* v = w.imageView();

        const QString original = v->labelText(Layer::Original);
        QCOMPARE(original, QString("Original · 320×200 px · PNG file %1 B").arg(QLocale().toString(QFileInfo(m_png).size())));

        QVERIFY(w.document()->edgeBytes());
        const std::size_t edgeBytes = w.document()->edgeBytes()->size();
        const QString edges = v->labelText(Layer::Edges);
        QVERIFY2(edges.startsWith("Edges · map "), qPrintable(edges));
        QVERIFY2(edges.contains(QString(" · %1 B · ").arg(QLocale().toString(qulonglong(edgeBytes)))), qPrintable(edges));
        QVERIFY2(edges.contains(bppText(edgeBytes, 320, 200)), qPrintable(edges));

        // The hint's PSNR is that of the hint as the decoder starts from it: upsampled to full size.
        QVERIFY(w.document()->hintBytes() && !w.document()->hintBytes()->empty());
        const std::vector<std::uint8_t>& hint = *w.document()->hintBytes();
        const cv::Mat upsampled = HintCodec::decodeUpsampled(hint.data(), hint.size(), 320, 200);
        const double psnr = metrics::psnr(w.document()->image(), upsampled);
        const cv::Size thumb = HintCodec::thumbnailSize(320, 200, 16);
        const QString hintLabel = v->labelText(Layer::Hint);
        QCOMPARE(hintLabel, QString("Hint only · thumbnail %1×%2, upsampled · %3 B · %4 · PSNR %5 dB")
                                .arg(thumb.width).arg(thumb.height).arg(QLocale().toString(qulonglong(hint.size())))
                                .arg(bppText(hint.size(), 320, 200)).arg(QString::number(psnr, 'f', 2)));

        // The single view shows its label too: the label's dark box over a white original.
        cv::Mat white(200, 320, CV_8UC3, cv::Scalar(255, 255, 255));
        const QString whitePng = m_dir.filePath("white.png");
        QVERIFY(cv::imwrite(whitePng.toStdString(), white));
        QVERIFY2(w.openImage(whitePng), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.isBusy());
        w.stopBaselineSweep();
        v->setSplit(false);
        v->setLayer(Layer::Original);
        v->setZoom(4.0);  // the image fills the view: white everywhere but the label
        const QString text = v->labelText(Layer::Original);
        QVERIFY2(text.contains("320×200 px"), qPrintable(text));
        const QRect r = v->labelRect(text, true).toRect();
        QCOMPARE(r.topLeft(), QPoint(8, 8));
        QVERIFY(r.right() < v->width());
        const QImage shot = v->grab().toImage();
        const QPoint inside = r.topLeft() + QPoint(3, r.height() / 2);
        QVERIFY2(qGray(shot.pixel(inside)) < 160, qPrintable(QString::number(qGray(shot.pixel(inside)))));
        QCOMPARE(qGray(shot.pixel(r.right() + 20, r.bottom() + 20)), 255);
    }

    // A .sem opened on its own: its streams' bytes on the Edges and Hint views, no original.
    void labelsOfASemOnItsOwn()
    {
        const QString sem = m_dir.filePath("photo.sem");
        {
            MainWindow w;
            QVERIFY2(w.openImage(m_png), qPrintable(w.lastError()));
            w.hintPanel()->factorCombo()->setCurrentIndex(w.hintPanel()->factorCombo()->findData(8));
            QTRY_VERIFY(!w.isBusy());
            w.stopBaselineSweep();
            QVERIFY2(w.saveSem(sem), qPrintable(w.lastError()));
        }
        MainWindow w;
        QVERIFY2(w.openSem(sem), qPrintable(w.lastError()));
        const SemFile& file = w.document()->loadedFile();
        QVERIFY(file.edges && file.hint);
        const QString edges = w.imageView()->labelText(Layer::Edges);
        QVERIFY2(edges.contains(QString(" · %1 B · %2").arg(QLocale().toString(qulonglong(file.edges->size())))
                                    .arg(bppText(file.edges->size(), 320, 200))),
                 qPrintable(edges));
        const QString hint = w.imageView()->labelText(Layer::Hint);
        QVERIFY2(hint.contains(QString(" · %1 B · %2").arg(QLocale().toString(qulonglong(file.hint->size())))
                                   .arg(bppText(file.hint->size(), 320, 200))),
                 qPrintable(hint));
        QVERIFY2(!hint.contains("PSNR"), qPrintable(hint));  // nothing to measure it against
        QCOMPARE(w.imageView()->labelText(Layer::Original), QString("Original"));
        w.stopBaselineSweep();
    }
};

QTEST_MAIN(TestViewLabels)
#include "tst_viewlabels.moc"

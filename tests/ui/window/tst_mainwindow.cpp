#include <QtTest>
#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QPlainTextEdit>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <opencv2/imgcodecs.hpp>

#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"
#include "core/format/SemFile.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/window/MainWindow.h"
#include "ui/panels/RatePanel.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using namespace sem;
using sem::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // QSettings go to a test location
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_mainwindow");
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath("photo.png");
        m_image = devbench::syntheticPhoto(480, 320, 3);
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), m_image));
    }

    void openMoveSliderCaptionSaveReopen()
    {
        MainWindow w;
        w.show();
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QCOMPARE(w.imageView()->imageSize(), QSize(480, 320));
        QVERIFY(w.windowTitle().contains("photo.png"));
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(!w.isWindowModified());
        QVERIFY(w.recentFiles().value(0).endsWith("photo.png"));
        const std::size_t edgesBefore = w.ratePanel()->breakdown().edges;
        QVERIFY(edgesBefore > 0);
        QVERIFY(!w.imageView()->edgeOverlay().isNull());

        // Lower thresholds: more edges, more bytes, computed in the worker.
        w.edgePanel()->highSlider()->setValue(60);
        w.edgePanel()->lowSlider()->setValue(20);
        QVERIFY(w.isWindowModified());
        QTRY_VERIFY(!w.isBusy());
        const std::size_t edgesAfter = w.ratePanel()->breakdown().edges;
        QVERIFY2(edgesAfter > edgesBefore, qPrintable(QString("%1 -> %2").arg(edgesBefore).arg(edgesAfter)));
        QCOMPARE(w.ratePanel()->cellText(ui::RatePanel::Edges, 0), QLocale().toString(qulonglong(edgesAfter)));

        // The coded stream is the one of the final parameters.
        const auto expected = EdgeCodec::encode(EdgeExtractor::extract(m_image, w.edgePanel()->params()));
        QCOMPARE(w.currentFile().edges->size(), expected.size());

        QTest::keyClicks(w.captionPanel()->editor(), "a striped ball on a blue floor");
        const std::size_t captionBytes = w.ratePanel()->breakdown().caption;
        QVERIFY(captionBytes > 0);
        QCOMPARE(captionBytes, w.captionPanel()->coded()->size());

        const QString semPath = m_dir.filePath("photo.sem");
        QVERIFY2(w.saveSem(semPath), qPrintable(w.lastError()));
        QVERIFY(!w.isWindowModified());
        QVERIFY(w.windowTitle().contains("photo.sem"));
        const SemBreakdown saved = w.ratePanel()->breakdown();
        QCOMPARE(QFileInfo(semPath).size(), qint64(saved.total));

        MainWindow r;
        QVERIFY2(r.openSem(semPath), qPrintable(r.lastError()));
        QCOMPARE(r.captionPanel()->text(), QStringLiteral("a striped ball on a blue floor"));
        QCOMPARE(r.ratePanel()->breakdown().total, saved.total);
        QCOMPARE(r.ratePanel()->breakdown().edges, saved.edges);
        QCOMPARE(r.ratePanel()->breakdown().caption, saved.caption);
        QCOMPARE(r.ratePanel()->breakdown().metadata, saved.metadata);
        QCOMPARE(r.edgePanel()->params().low, 20.0);  // settings from the metadata
        QCOMPARE(r.edgePanel()->params().high, 60.0);
        QVERIFY(!r.edgePanel()->isEnabled());           // no source image: streams are fixed
        QVERIFY(!r.imageView()->edgeOverlay().isNull());
        QVERIFY(!r.isWindowModified());

        // Editing the caption of an opened .sem keeps the other streams byte for byte.
        r.captionPanel()->editor()->setPlainText(QStringLiteral("a ball"));
        QVERIFY(r.isWindowModified());
        const QString semPath2 = m_dir.filePath("photo2.sem");
        QVERIFY2(r.saveSem(semPath2), qPrintable(r.lastError()));
        const SemFile a = SemFile::load(semPath.toStdString());
        const SemFile b = SemFile::load(semPath2.toStdString());
        QVERIFY(a.edges == b.edges);
        QVERIFY(a.metadata == b.metadata);
        QVERIFY(a.caption != b.caption);
    }

    void saveRightAfterASliderMoveUsesTheLatestParams()
    {
        MainWindow w;
        QVERIFY(w.openImage(m_imagePath));
        for (int v = 10; v < 200; v += 10)
            w.edgePanel()->lowSlider()->setValue(v);  // no waiting: workers are busy
        const QString path = m_dir.filePath("fast.sem");
        QVERIFY2(w.saveSem(path), qPrintable(w.lastError()));
        const auto expected = EdgeCodec::encode(EdgeExtractor::extract(m_image, w.edgePanel()->params()));
        QVERIFY(SemFile::load(path.toStdString()).edges == expected);
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(w.currentFile().edges == expected);  // late results of older moves were dropped
    }

    void hintAndMetadataToggle()
    {
        MainWindow w;
        QVERIFY(w.openImage(m_imagePath));
        QTRY_VERIFY(!w.isBusy());
        QCOMPARE(w.ratePanel()->breakdown().hint, std::size_t(0));
        auto* factor = w.hintPanel()->factorCombo();
        factor->setCurrentIndex(factor->findData(16));
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(w.ratePanel()->breakdown().hint > 0);
        w.imageView()->setLayer(ui::ImageView::Layer::Hint);
        w.imageView()->setSplit(false);
        const QImage hint = w.imageView()->renderImage();
        QCOMPARE(hint.size(), QSize(480, 320));
        QVERIFY(w.ratePanel()->breakdown().metadata > 0);
        w.ratePanel()->setWriteMetadata(false);
        emit w.ratePanel()->writeMetadataChanged();
        QCOMPARE(w.ratePanel()->breakdown().metadata, std::size_t(0));
        QVERIFY(!w.currentFile().metadata.has_value());
    }

    void fitToSizeSetsTheControlsToAFittingPoint()
    {
        MainWindow w;
        w.show();
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.isBusy());
        QTest::keyClicks(w.captionPanel()->editor(), "a ball");
        const double pixels = 480.0 * 320.0;
        for (const double bpp : {0.03, 0.08}) {
            w.ratePanel()->setTargetBpp(bpp);
            emit w.ratePanel()->fitRequested(bpp);
            QTRY_VERIFY(!w.isBusy());
            QVERIFY2(w.ratePanel()->fitResult().startsWith("Operating point"), qPrintable(w.ratePanel()->fitResult()));
            // The file on screen is the one the ladder measured: within the budget, caption included.
            const std::size_t total = w.ratePanel()->breakdown().total;
            QVERIFY2(double(total) <= bpp * pixels / 8.0, qPrintable(QString("%1 bytes at %2 bpp").arg(total).arg(bpp)));
            QVERIFY(w.ratePanel()->fitResult().contains(QString("%1 bytes").arg(total)));
            // ...and stays within it once a decode has recorded any model id and settings.
            SemFile decoded = w.currentFile();
            decoded.modelId = 0xFFFFFFFFu;
            decoded.decode.present = true;
            decoded.decode.steps = 1000;
            decoded.decode.guidanceTenths = 300;
            decoded.decode.etaHundredths = 100;
            decoded.decode.seed = 0xFFFFFFFFu;
            decoded.decode.strengthPercent = 99;
            QVERIFY(double(decoded.serialize().size()) <= bpp * pixels / 8.0);
            QVERIFY(w.ratePanel()->breakdown().caption > 0);
            QVERIFY(w.hintPanel()->params().factor > 0);
            QVERIFY(!w.edgePanel()->params().autoThresholds);
            QVERIFY(w.isWindowModified());
        }
        // Too small: said in the panel, the controls stay as they were.
        const CannyParams before = w.edgePanel()->params();
        emit w.ratePanel()->fitRequested(0.001);
        QTRY_VERIFY(!w.isBusy());
        QVERIFY2(w.ratePanel()->fitResult().contains("smallest file"), qPrintable(w.ratePanel()->fitResult()));
        QCOMPARE(w.edgePanel()->params().scaleDenominator, before.scaleDenominator);
        QCOMPARE(w.edgePanel()->params().high, before.high);
    }

    // First use (the app sets the default target): an opened image is fitted to it with the decode
    // model's ladder, hint included; once the user has set the edges or hint, nothing is fitted.
    void firstUseFitsTheDefaultTarget()
    {
        MainWindow w;
        w.setFirstUseTarget(0.03);
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QTRY_VERIFY2(w.ratePanel()->fitResult().startsWith("Operating point"), qPrintable(w.ratePanel()->fitResult()));
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(w.hintPanel()->params().factor > 0);
        QVERIFY(double(w.ratePanel()->breakdown().total) <= 0.03 * 480.0 * 320.0 / 8.0);
        QVERIFY2(w.ratePanel()->fitResult().contains("ladder"), qPrintable(w.ratePanel()->fitResult()));

        MainWindow user;
        user.setFirstUseTarget(0.03);
        auto* factor = user.hintPanel()->factorCombo();
        factor->setCurrentIndex(factor->findData(32));
        QVERIFY(user.openImage(m_imagePath));
        QTRY_VERIFY(!user.isBusy());
        QCOMPARE(user.ratePanel()->fitResult(), QString());
        QCOMPARE(user.hintPanel()->params().factor, 32);
    }

    void settingsComeBackFromTheFile()
    {
        MainWindow w;
        QVERIFY(w.openImage(m_imagePath));
        w.edgePanel()->autoCheck()->setChecked(true);
        w.edgePanel()->scaleCombo()->setCurrentIndex(w.edgePanel()->scaleCombo()->findData(2));
        w.hintPanel()->factorCombo()->setCurrentIndex(w.hintPanel()->factorCombo()->findData(32));
        w.hintPanel()->qualitySpin()->setValue(50);
        const QString path = m_dir.filePath("settings.sem");
        QVERIFY2(w.saveSem(path), qPrintable(w.lastError()));

        MainWindow r;
        QVERIFY2(r.openSem(path), qPrintable(r.lastError()));
        QVERIFY(r.edgePanel()->params().autoThresholds);
        QCOMPARE(r.edgePanel()->params().scaleDenominator, 2);
        QCOMPARE(r.hintPanel()->params().factor, 32);  // from the thumbnail size
        QCOMPARE(r.hintPanel()->params().quality, 50);
        QVERIFY(r.imageView()->hasHint());
    }

    void hostileMetadataIsIgnored()
    {
        SemFile f;
        f.width = 64;
        f.height = 48;
        f.edges = EdgeCodec::encode(EdgeExtractor::extract(cv::Mat(48, 64, CV_8UC3, cv::Scalar(9, 9, 9)), {}));
        f.setMetadataJson(R"({"canny":{"scale":1e300,"low":500,"high":10,"min_length":-4,"auto":"x"},)"
                          R"("hint_quality":1e9})");
        const QString path = m_dir.filePath("hostile.sem");
        f.save(path.toStdString());
        MainWindow w;
        QVERIFY2(w.openSem(path), qPrintable(w.lastError()));
        const CannyParams p = w.edgePanel()->params();
        QCOMPARE(p.scaleDenominator, CannyParams{}.scaleDenominator);
        QCOMPARE(p.low, CannyParams{}.low);
        QCOMPARE(w.hintPanel()->params().quality, -1);
        p.validate();
    }

    void invalidCaptionRefusesToSaveButKeepsTheText()
    {
        MainWindow w;
        QVERIFY(w.openImage(m_imagePath));
        const QString tooLong(3000, QLatin1Char('y'));
        w.captionPanel()->editor()->setPlainText(tooLong);
        QVERIFY(!w.captionPanel()->errorText().isEmpty());
        QVERIFY(!w.saveSem(m_dir.filePath("bad.sem")));
        QVERIFY(w.lastError().contains("caption"));
        QVERIFY(!QFileInfo::exists(m_dir.filePath("bad.sem")));
        QCOMPARE(w.captionPanel()->text(), tooLong);
    }

    void badFilesAreErrorsNotCrashes()
    {
        MainWindow w;
        const QString junk = m_dir.filePath("junk.png");
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an image at all");
        f.close();
        QVERIFY(!w.openPath(junk));
        QVERIFY(!w.lastError().isEmpty());
        const QString badSem = m_dir.filePath("bad.sem");
        QFile g(badSem);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("SEM\x01garbage", 11);
        g.close();
        QVERIFY(!w.openPath(badSem));
        QVERIFY2(w.lastError().contains(": .sem: "), qPrintable(w.lastError()));
        QVERIFY(!w.hasDocument());
        QVERIFY(!w.saveSem(m_dir.filePath("nothing.sem")));
    }

    void closingWithUnsavedChangesAsks()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_imagePath));
        QVERIFY(w.close());  // nothing modified: closes without asking
        w.show();
        w.captionPanel()->editor()->setPlainText(QStringLiteral("changed"));
        QVERIFY(w.isWindowModified());
        auto answer = [](QMessageBox::StandardButton button) {
            QTimer::singleShot(0, [button] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                QVERIFY(box);
                box->button(button)->click();
            });
        };
        answer(QMessageBox::Cancel);
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        answer(QMessageBox::Discard);
        QVERIFY(w.close());
    }

    void exportAndDrop()
    {
        MainWindow w;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_imagePath)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&w, &drop);
        QTRY_VERIFY(w.hasDocument());  // opened in the background
        QTRY_VERIFY(!w.isBusy());
        const QString png = m_dir.filePath("view.png");
        QVERIFY2(w.exportView(png), qPrintable(w.lastError()));
        QImage exported(png);
        QCOMPARE(exported.size(), QSize(480, 320));
    }

private:
    QTemporaryDir m_dir;
    QString m_imagePath;
    cv::Mat m_image;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

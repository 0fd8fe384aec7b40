// The Decode panel end to end in a real MainWindow: a decode in the worker thread with a tiny
// random model made here (no shipped weights needed), previews, the final image, Stop keeping the
// previous reconstruction, the model and settings recorded in the saved .sem, and the plot.
#include <QCheckBox>
#include <QComboBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/format/SemFile.h"
#include "diffusion/builtin/BuiltinEngine.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/views/ImageView.h"
#include "ui/window/MainWindow.h"
#include "ui/views/RdPlot.h"
#include "ui/views/ResultsTable.h"
#include "ui/views/ViewMeasure.h"
#include "core/metrics/Metrics.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using namespace sem;
using sem::ui::MainWindow;
using Layer = sem::ui::ImageView::Layer;

class TestDecode : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model, m_imagePath;
    std::string m_modelId;

    void prepare(MainWindow& w, int steps)
    {
        w.show();
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.isBusy());
        w.decodePanel()->setModelPath(m_model);
        w.decodePanel()->setDevice("cpu");
        w.decodePanel()->stepsSpin()->setValue(steps);
        w.decodePanel()->setPreviewEvery(1);
        emit w.decodePanel()->modelChanged();
        QVERIFY2(w.decodePanel()->decodeButton()->isEnabled(), qPrintable(w.decodePanel()->statusText()));
    }

    // Issue 20: the results table and the status line give bytes, bpp, PSNR and SSIM of the decode,
    // and the reconstruction's label the same.
    void checkResults(MainWindow& w, const SemFile& saved)
    {
        QTRY_VERIFY(w.resultsTable()->decodeMeasure(0).ssim > 0.0);
        const ui::ViewMeasure m = w.resultsTable()->decodeMeasure(0);
        QCOMPARE(m.bytes, saved.serialize().size());
        QCOMPARE(m.bpp, saved.bpp());
        const cv::Mat original = cv::imread(m_imagePath.toStdString());
        QCOMPARE(m.psnr, metrics::psnr(original, w.reconstruction()));
        QCOMPARE(m.ssim, metrics::ssim(original, w.reconstruction()));
        ui::ResultsTable* table = w.resultsTable();
        QCOMPARE(table->cellText(0, ui::ResultsTable::Bytes), QLocale().toString(qulonglong(m.bytes)));
        QCOMPARE(table->cellText(0, ui::ResultsTable::Psnr), QString::number(m.psnr, 'f', 2));
        QCOMPARE(table->cellText(0, ui::ResultsTable::Ssim), QString::number(m.ssim, 'f', 3));
        QVERIFY(table->cellText(0, ui::ResultsTable::What).startsWith("decode: "));
        const QString status = w.resultText();
        QVERIFY2(status.startsWith("Decode 1: ") && status.contains(" B · ") && status.contains(" bpp")
                     && status.contains("PSNR " + QString::number(m.psnr, 'f', 2) + " dB")
                     && status.contains("SSIM "),
                 qPrintable(status));
        const QString label = w.imageView()->labelText(Layer::Reconstruction);
        QVERIFY2(label.contains("SemCompress") && label.contains("PSNR ") && label.contains(" bpp"), qPrintable(label));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_decode");
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        diffusion::ModelCard card;
        card.config = diffusion::tinyModelConfig();
        card.vocabulary = {"a", "red", "box", "on", "blue"};
        diffusion::BuiltinEngine engine;
        engine.createRandom(card, 42, "cpu");
        m_model = m_dir.filePath("tiny");
        engine.save(m_model.toStdString());
        m_modelId = engine.modelId();
        m_imagePath = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), devbench::syntheticPhoto(256, 160, 5)));
    }

    void noModelKeepsDecodeDisabled()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_imagePath));
        w.decodePanel()->setModelPath(m_dir.filePath("missing-model"));
        emit w.decodePanel()->modelChanged();
        QVERIFY(!w.decodePanel()->decodeButton()->isEnabled());
        QVERIFY(w.decodePanel()->modelText().startsWith("No model"));
        QVERIFY(!w.startDecode());
        QVERIFY(w.lastError().contains("missing-model"));
    }

    void decodeShowsPreviewsAndResult()
    {
        MainWindow w;
        prepare(w, 4);
        QCOMPARE(w.decodePanel()->strengthSpin()->value(), Decoder::kDefaultStrengthPercent / 100.0);
        w.decodePanel()->strengthSpin()->setValue(0.5);  // the fidelity decode, then 2 of the 4 steps
        QSignalSpy previews(&w, &MainWindow::decodePreviewShown);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QTRY_VERIFY_WITH_TIMEOUT(w.baselinesReady(), 120000);
        QVERIFY(w.rdPlot()->curveCount() >= 3);  // jpeg, webp, webp-downscale at least
        QVERIFY(w.startDecode());
        QVERIFY(w.isDecoding());
        QVERIFY(!w.decodePanel()->decodeButton()->isEnabled());
        QVERIFY(w.decodePanel()->stopButton()->isEnabled());
        QVERIFY(!w.startDecode());  // one at a time
        QVERIFY(finished.wait(60000));
        QVERIFY(previews.count() >= 1);
        QCOMPARE(previews.first().at(0).toInt(), 1);  // from the first evaluation on
        QCOMPARE(previews.last().at(0).toInt(), 3);  // step 3 of 3: the fidelity decode counts as one
        QVERIFY(!w.isDecoding());
        QVERIFY(w.hasReconstruction());
        QCOMPARE(w.reconstruction().cols, 256);
        QCOMPARE(w.reconstruction().rows, 160);
        QCOMPARE(w.decodeDevice(), QString("cpu"));
        QVERIFY(w.imageView()->hasLayerImage(Layer::Reconstruction));
        QCOMPARE(w.imageView()->layerImage(Layer::Reconstruction).size(), QSize(256, 160));
        QVERIFY(w.decodePanel()->statusText().startsWith("Decoded in"));
        QVERIFY2(w.decodePanel()->statusText().contains("4 steps at strength 0.50, guidance 2.0"),
                 qPrintable(w.decodePanel()->statusText()));
        QCOMPARE(w.decodePanel()->progressBar()->maximum(), 1);  // reset after the decode

        // The plot got this decode's operating point; its bpp is the saved file's.
        QCOMPARE(w.rdPlot()->decodedPointCount(), 1);
        const QString sem = m_dir.filePath("decoded.sem");
        QVERIFY2(w.saveSem(sem), qPrintable(w.lastError()));
        const SemFile saved = SemFile::load(sem.toStdString());
        QCOMPARE(w.rdPlot()->decodedPoints().first().bpp, saved.bpp());
        QVERIFY(std::isfinite(w.rdPlot()->decodedPoints().first().psnr));
        // MS-SSIM and NIQE arrive from a worker thread; NIQE also labels the reconstruction.
        QTRY_VERIFY(std::isfinite(w.rdPlot()->decodedPoints().first().niqe));
        QVERIFY(std::isfinite(w.rdPlot()->decodedPoints().first().msSsim));
        QTRY_VERIFY(w.imageView()->layerNote(Layer::Reconstruction).contains("NIQE "));
        checkResults(w, saved);

        // The .sem records the model and the settings, so it decodes the same.
        QCOMPARE(saved.modelId, std::uint32_t(std::stoul(m_modelId.substr(0, 8), nullptr, 16)));
        QVERIFY(saved.decode.present);
        QCOMPARE(saved.decode.steps, 4u);
        QCOMPARE(saved.decode.strengthPercent, 50u);
        QCOMPARE(saved.decode.seed, std::uint32_t(w.decodePanel()->seedSpin()->value()));
        const cv::Mat first = w.reconstruction().clone();

        MainWindow r;
        r.show();
        QVERIFY2(r.openSem(sem), qPrintable(r.lastError()));
        QCOMPARE(r.decodePanel()->stepsSpin()->value(), 4);
        QCOMPARE(r.decodePanel()->strengthSpin()->value(), 0.5);
        r.decodePanel()->setModelPath(m_model);
        r.decodePanel()->setDevice("cpu");
        emit r.decodePanel()->modelChanged();
        QSignalSpy again(&r, &MainWindow::decodeFinished);
        QVERIFY2(r.startDecode(), qPrintable(r.lastError()));
        QVERIFY(again.wait(60000));
        QCOMPARE(cv::norm(first, r.reconstruction(), cv::NORM_INF), 0.0);
    }

    void randomSeedIsDrawnAndRecorded()
    {
        MainWindow w;
        prepare(w, 1);
        w.decodePanel()->randomSeedCheck()->setChecked(true);
        QVERIFY(!w.decodePanel()->seedSpin()->isEnabled());
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        const int before = w.decodePanel()->seedSpin()->value();
        QVERIFY(w.startDecode());
        QVERIFY(finished.wait(60000));
        const int drawn = w.decodePanel()->seedSpin()->value();
        QVERIFY(drawn != before);  // 1 in 2^31 to fail by chance
        QCOMPARE(w.currentFile().decode.seed, std::uint32_t(drawn));
    }

    void fidelityDisablesTheSamplerControls()
    {
        MainWindow w;
        prepare(w, 1);
        ui::DecodePanel* panel = w.decodePanel();
        QVERIFY(panel->guidanceSpin()->isEnabled());
        panel->fidelityCheck()->setChecked(true);  // one unguided evaluation: sampler, steps and guidance do not apply
        QVERIFY(!panel->guidanceSpin()->isEnabled());
        QVERIFY(!panel->stepsSpin()->isEnabled());
        QVERIFY(!panel->samplerCombo()->isEnabled());
        QVERIFY(!panel->strengthSpin()->isEnabled());
        panel->fidelityCheck()->setChecked(false);
        QVERIFY(panel->guidanceSpin()->isEnabled());
        QVERIFY(panel->strengthSpin()->isEnabled());
        QVERIFY(panel->stepsSpin()->isEnabled());
        // A fidelity record carries no strength: opening one keeps the control's value.
        panel->strengthSpin()->setValue(0.4);
        DecodeSettings fidelityRecord;
        fidelityRecord.present = true;
        fidelityRecord.fidelity = true;
        panel->setSettings(fidelityRecord);
        QCOMPARE(panel->strengthSpin()->value(), 0.4);
        QVERIFY(panel->fidelityCheck()->isChecked());
    }

    void stopKeepsThePreviousReconstruction()
    {
        MainWindow w;
        prepare(w, 2);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY(w.startDecode());
        QVERIFY(finished.wait(60000));
        const cv::Mat good = w.reconstruction().clone();
        const QImage goodShown = w.imageView()->layerImage(Layer::Reconstruction);
        const SemFile recorded = w.currentFile();

        // Second decode with another seed, stopped at its first progress report.
        w.decodePanel()->stepsSpin()->setValue(50);
        w.decodePanel()->seedSpin()->setValue(w.decodePanel()->seedSpin()->value() + 1);
        int progressSeen = 0;
        connect(&w, &MainWindow::decodePreviewShown, &w, [&] {
            if (++progressSeen == 1)
                w.decodePanel()->stopButton()->click();
        });
        QSignalSpy stopped(&w, &MainWindow::decodeStopped);
        QVERIFY(w.startDecode());
        QVERIFY(stopped.wait(60000));
        QCOMPARE(progressSeen, 1);  // no preview is shown after Stop
        QVERIFY(!w.decodePanel()->stopButton()->isEnabled());
        QCOMPARE(finished.count(), 1);
        QVERIFY(!w.isDecoding());
        QCOMPARE(cv::norm(good, w.reconstruction(), cv::NORM_INF), 0.0);
        QCOMPARE(w.imageView()->layerImage(Layer::Reconstruction), goodShown);  // the preview is gone
        QVERIFY(w.decodePanel()->statusText().contains("previous reconstruction is kept"));
        QCOMPARE(w.currentFile().decode.seed, recorded.decode.seed);  // the kept decode's settings
        QCOMPARE(w.rdPlot()->decodedPointCount(), 1);
        QVERIFY(w.decodePanel()->decodeButton()->isEnabled());
    }

    void failedDecodeKeepsReconstructionAndSaysWhy()
    {
        MainWindow w;
        prepare(w, 1);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY(w.startDecode());
        QVERIFY(finished.wait(60000));
        const cv::Mat good = w.reconstruction().clone();
        // A corrupt model file: the worker's load fails, the GUI shows it, the image stays.
        const QString bad = m_dir.filePath("bad-model");
        QVERIFY(QDir().mkpath(bad));
        QFile f(bad + "/model.safetensors");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a safetensors file");
        f.close();
        QFile::copy(m_model + "/model.json", bad + "/model.json");
        w.decodePanel()->setModelPath(bad);
        emit w.decodePanel()->modelChanged();
        QSignalSpy failed(&w, &MainWindow::decodeFailed);
        QVERIFY(w.startDecode());
        QVERIFY(failed.wait(60000));
        QVERIFY(w.decodePanel()->statusText().startsWith("Decode failed:"));
        QCOMPARE(cv::norm(good, w.reconstruction(), cv::NORM_INF), 0.0);
    }

    void anotherModelIsRefusedUnlessForced()
    {
        MainWindow w;
        prepare(w, 1);
        const QString sem = m_dir.filePath("other-model.sem");
        SemFile f = w.currentFile();
        f.modelId = 0x12345678u;  // made for some other model
        f.save(sem.toStdString());
        QVERIFY(w.openSem(sem));
        QSignalSpy failed(&w, &MainWindow::decodeFailed);
        QVERIFY(w.startDecode());
        QVERIFY(failed.wait(60000));
        QVERIFY2(w.decodePanel()->statusText().contains("12345678"), qPrintable(w.decodePanel()->statusText()));
        QVERIFY(!w.hasReconstruction());
        w.decodePanel()->forceCheck()->setChecked(true);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY(w.startDecode());
        QVERIFY(finished.wait(60000));
        QVERIFY(w.decodePanel()->statusText().contains("will differ"));
        QVERIFY(w.currentFile().modelId != 0x12345678u);  // now records the model that made the image
    }

    void closingMidDecodeIsSafe()
    {
        auto* w = new MainWindow;
        prepare(*w, 200);
        QSignalSpy previews(w, &MainWindow::decodePreviewShown);
        QVERIFY(w->startDecode());
        QVERIFY(previews.wait(60000));
        QElapsedTimer t;
        t.start();
        delete w;  // the controller's destructor cancels, quits and waits for the thread
        QVERIFY2(t.elapsed() < 10000, qPrintable(QString::number(t.elapsed())));
    }

    void compareViewAtTheSameBpp()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openImage(m_imagePath));
        QTRY_VERIFY(!w.isBusy());
        QSignalSpy compared(&w, &MainWindow::compareUpdated);
        w.requestCompare();
        QVERIFY(compared.wait(60000));
        QVERIFY(w.compareReady());
        for (Layer l : {Layer::Jpeg, Layer::Webp, Layer::WebpDownscale}) {
            QVERIFY(w.imageView()->hasLayerImage(l));
            QCOMPARE(w.imageView()->layerImage(l).size(), QSize(256, 160));
        }
        // Another bpp: the compare images (not on screen) are for the old one and are dropped.
        w.edgePanel()->lowSlider()->setValue(10);
        w.edgePanel()->highSlider()->setValue(30);
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(!w.compareReady());
        QVERIFY(!w.imageView()->hasLayerImage(Layer::Jpeg));
        // On screen, a rate change recomputes them.
        w.imageView()->setLayer(Layer::Jpeg);
        w.requestCompare();
        QVERIFY(compared.wait(60000));
        QVERIFY(w.imageView()->hasLayerImage(Layer::Jpeg));
        w.edgePanel()->lowSlider()->setValue(40);
        QVERIFY(compared.wait(60000));  // debounced recompute
        QVERIFY(w.compareReady());
    }
};

QTEST_MAIN(TestDecode)
#include "tst_decode.moc"

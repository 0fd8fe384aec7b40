// Issue 20, variations: a sampled decode of N seeds side by side in the app (tiny random built-in
// model made here, 2 steps, 128x96): the seeds used, distinct pictures, a pick that becomes the
// reconstruction and sets the panel's seed, the saved .sem recording it and decoding to the same
// picture, the dirty state, Stop, and N = 1 behaving as one decode.
#include <QCheckBox>
#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/format/SemFile.h"
#include "core/pipeline/Decoder.h"
#include "diffusion/builtin/BuiltinEngine.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/settings/SettingsRegistry.h"
#include "ui/views/RdPlot.h"
#include "ui/views/VariationGrid.h"
#include "ui/window/MainWindow.h"
#include "ui/workers/DecodeWorker.h"

#include <QSlider>

using namespace sem;
using sem::ui::DecodePanel;
using sem::ui::MainWindow;

class TestVariations : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model, m_imagePath, m_sdSet, m_controlnet;

    void prepare(MainWindow& w, int steps, int variations, int seed)
    {
        w.show();
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.isBusy());
        DecodePanel* p = w.decodePanel();
        p->setModelPath(m_model);
        p->setDevice("cpu");
        p->stepsSpin()->setValue(steps);
        p->setPreviewEvery(1);
        p->randomSeedCheck()->setChecked(false);
        p->seedSpin()->setValue(seed);
        p->setVariations(variations);
        emit p->modelChanged();
        QVERIFY2(p->decodeButton()->isEnabled(), qPrintable(p->statusText()));
    }

    static double diff(const cv::Mat& a, const cv::Mat& b) { return cv::norm(a, b, cv::NORM_INF); }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_variations");
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        diffusion::ModelCard card;
        card.config = diffusion::tinyModelConfig();
        card.vocabulary = {"a", "red", "box", "on", "blue"};
        diffusion::BuiltinEngine engine;
        engine.createRandom(card, 42, "cpu");
        m_model = m_dir.filePath("tiny");
        engine.save(m_model.toStdString());
        m_imagePath = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), devbench::syntheticPhoto(128, 96, 5)));
        // The tiny Stable Diffusion 1.x + ControlNet fixture of tests/diffusion/sd, as a model set.
        const QString fixtures = QStringLiteral(SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/pipeline");
        m_sdSet = m_dir.filePath("set.json");
        QFile set(m_sdSet);
        QVERIFY(set.open(QIODevice::WriteOnly));
        set.write(QStringLiteral(R"({"family": "sd1", "name": "tiny", "base": "%1/tiny_sd_singlefile.safetensors",)"
                                 R"( "tokenizer": "%1/tiny_sd/tokenizer", "config": "%1/tiny_sd"})")
                      .arg(fixtures)
                      .toUtf8());
        m_controlnet = fixtures + "/tiny_controlnet_singlefile.safetensors";
    }

    // The control: seeds from the panel's on, disabled (with the reason) for the fidelity decode,
    // its value kept in the settings registry.
    void panelOffersVariationsForSampledDecodesOnly()
    {
        QCOMPARE(DecodePanel::variationSeeds(5, 3), (std::vector<std::uint32_t>{5, 6, 7}));
        QCOMPARE(DecodePanel::variationSeeds(DecodePanel::kMaxSeed, 2),
                 (std::vector<std::uint32_t>{DecodePanel::kMaxSeed, 0}));
        MainWindow w;
        DecodePanel* p = w.decodePanel();
        QCOMPARE(p->variationsSpin()->value(), 1);  // the registry's default
        QCOMPARE(p->variationsSpin()->maximum(), ui::SettingsRegistry::kMaxVariations);
        QVERIFY(!p->showVariationsButton()->isEnabled());  // nothing to show yet
        p->variationsSpin()->setValue(4);
        QCOMPARE(ui::SettingsRegistry::integer(ui::Setting::DecodeVariations), 4);
        QCOMPARE(p->variations(), 4);
        p->fidelityCheck()->setChecked(true);
        QVERIFY(!p->variationsSpin()->isEnabled());
        QVERIFY2(p->variationsSpin()->toolTip().contains("deterministic"), qPrintable(p->variationsSpin()->toolTip()));
        QCOMPARE(p->variations(), 1);  // one deterministic decode
        p->fidelityCheck()->setChecked(false);
        QVERIFY(p->variationsSpin()->isEnabled());
        MainWindow again;  // a new window starts from the stored value
        QCOMPARE(again.decodePanel()->variationsSpin()->value(), 4);
        p->variationsSpin()->setValue(1);
    }

    // Three seeds in the worker with progress, three distinct pictures in the grid with their seeds
    // and measures; picking one makes it the reconstruction, sets the seed, and the saved .sem
    // decodes to it.
    void threeVariationsPickOneSaveAndDecodeAgain()
    {
        MainWindow w;
        prepare(w, 2, 3, 7);
        QSignalSpy previews(&w, &MainWindow::decodePreviewShown);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY2(w.startDecode(), qPrintable(w.lastError()));
        QVERIFY(w.isDecoding());
        QVERIFY(!w.decodePanel()->variationsSpin()->isEnabled());  // locked while it runs
        QVERIFY(finished.wait(120000));
        QVERIFY(previews.count() >= 3);  // each variation's steps are shown
        QCOMPARE(w.variationCount(), 3);
        ui::VariationGrid* grid = w.variationGrid();
        QVERIFY(grid->isVisible());
        QCOMPARE(grid->count(), 3);
        for (int i = 0; i < 3; ++i) {
            const QString label = grid->labelText(i);
            QVERIFY2(label.startsWith(QString("seed %1\n").arg(7 + i)), qPrintable(label));
            QVERIFY2(label.contains("PSNR ") && label.contains(" bpp"), qPrintable(label));
            QVERIFY(!grid->button(i)->icon().isNull());
        }
        QVERIFY(grid->headingText().contains("seeds 7, 8, 9"));
        QVERIFY2(w.decodePanel()->statusText().contains("seeds 7, 8, 9"), qPrintable(w.decodePanel()->statusText()));
        QVERIFY(w.decodePanel()->showVariationsButton()->isEnabled());
        // The first is applied as a decode is: the panel's seed, recorded.
        QCOMPARE(grid->current(), 0);
        QCOMPARE(w.decodePanel()->seedSpin()->value(), 7);
        QCOMPARE(w.currentFile().decode.seed, 7u);
        QCOMPARE(w.rdPlot()->decodedPointCount(), 1);
        const cv::Mat first = w.reconstruction().clone();

        QSignalSpy picked(&w, &MainWindow::variationPicked);
        grid->button(2)->click();  // the user's click
        QCOMPARE(picked.count(), 1);
        QCOMPARE(w.pickedVariation(), 2);
        QCOMPARE(w.decodePanel()->seedSpin()->value(), 9);
        QCOMPARE(w.currentFile().decode.seed, 9u);
        QCOMPARE(w.rdPlot()->decodedPointCount(), 2);  // as a decode would
        const cv::Mat third = w.reconstruction().clone();
        QVERIFY(grid->button(1)->isEnabled());
        grid->button(1)->click();
        const cv::Mat second = w.reconstruction().clone();
        QVERIFY2(diff(first, second) > 8 && diff(first, third) > 8 && diff(second, third) > 8,
                 qPrintable(QString("%1 %2 %3").arg(diff(first, second)).arg(diff(first, third)).arg(diff(second, third))));

        // Dismissed and shown again.
        grid->close();
        QVERIFY(!grid->isVisible());
        w.decodePanel()->showVariationsButton()->click();
        QVERIFY(grid->isVisible());

        // Saved with the third picked: the .sem records seed 9; picking it again changes nothing.
        QVERIFY(w.pickVariation(2));
        const QString sem = m_dir.filePath("picked.sem");
        QVERIFY2(w.saveSem(sem), qPrintable(w.lastError()));
        QVERIFY(!w.document()->isModified());
        const int points = w.rdPlot()->decodedPointCount();
        QVERIFY(w.pickVariation(2));  // the one shown already
        QVERIFY(!w.document()->isModified());
        QCOMPARE(w.rdPlot()->decodedPointCount(), points);
        QCOMPARE(SemFile::load(sem.toStdString()).decode.seed, 9u);
        QVERIFY(w.pickVariation(0));
        QVERIFY(w.document()->isModified());  // another seed
        QCOMPARE(w.currentFile().decode.seed, 7u);

        // The saved file, opened and decoded once, gives the picked picture.
        MainWindow r;
        r.show();
        QVERIFY2(r.openSem(sem), qPrintable(r.lastError()));
        QCOMPARE(r.decodePanel()->seedSpin()->value(), 9);
        r.decodePanel()->setModelPath(m_model);
        r.decodePanel()->setDevice("cpu");
        r.decodePanel()->setVariations(1);
        emit r.decodePanel()->modelChanged();
        QSignalSpy again(&r, &MainWindow::decodeFinished);
        QVERIFY2(r.startDecode(), qPrintable(r.lastError()));
        QVERIFY(again.wait(60000));
        QCOMPARE(r.variationCount(), 0);
        QCOMPARE(diff(third, r.reconstruction()), 0.0);
    }

    // Variations = 1 is one decode: no grid; a one-seed decode after variations drops them.
    void oneVariationIsOneDecode()
    {
        MainWindow w;
        prepare(w, 1, 2, 3);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY(w.startDecode());
        QVERIFY(finished.wait(120000));
        QCOMPARE(w.variationCount(), 2);
        w.decodePanel()->setVariations(1);
        w.decodePanel()->seedSpin()->setValue(11);
        QVERIFY(w.startDecode());
        QVERIFY(finished.wait(60000));
        QCOMPARE(w.variationCount(), 0);
        QCOMPARE(w.variationGrid()->count(), 0);
        QVERIFY(!w.variationGrid()->isVisible());
        QVERIFY(!w.decodePanel()->showVariationsButton()->isEnabled());
        QVERIFY2(w.decodePanel()->statusText().startsWith("Decoded in"), qPrintable(w.decodePanel()->statusText()));
        QCOMPARE(w.currentFile().decode.seed, 11u);
        QCOMPARE(w.rdPlot()->decodedPointCount(), 2);
        QVERIFY(!w.pickVariation(0));
    }

    // The worker on its own: the seeds in one batch (DecodeRequest::batchImages lets the CPU batch,
    // as CUDA does by itself) and one after another give each seed's single decode, the batch up to
    // one level of 8 bits (Decoder::decodeBatch), the sequential path exactly.
    void workerBatchesOrSequencesTheSeeds()
    {
        MainWindow w;
        prepare(w, 2, 1, 0);
        const SemFile file = w.currentFile();
        Decoder decoder(m_model.toStdString(), "cpu");
        DecodeRequest single;
        single.steps = 2;
        std::vector<cv::Mat> expected;
        for (std::uint32_t seed : {4u, 5u, 6u}) {
            single.seed = seed;
            expected.push_back(decoder.decode(file, single).image);
        }
        for (int batch : {3, 1}) {
            ui::DecodeController controller;
            ui::DecodeJob job;
            job.file = file;
            job.request.steps = 2;
            job.request.seed = 99;  // not used: each variation has its own
            job.request.batchImages = batch;
            job.modelPath = m_model.toStdString();
            job.device = "cpu";
            job.seeds = {4, 5, 6};
            job.original = cv::imread(m_imagePath.toStdString());
            QSignalSpy done(&controller, &ui::DecodeController::finished);
            QSignalSpy progress(&controller, &ui::DecodeController::progress);
            QVERIFY(controller.start(job) != 0);
            QVERIFY(done.wait(120000));
            const auto result = done.first().first().value<ui::DecodeResult>();
            QCOMPARE(int(result.variations.size()), 3);
            QVERIFY(progress.count() >= 1);
            const auto last = progress.last().first().value<ui::DecodePreview>();
            QCOMPARE(last.step, last.total);  // the progress covers all three
            int withPreview = 0;
            for (const QList<QVariant>& p : progress)
                withPreview += p.first().value<ui::DecodePreview>().pyramid.isNull() ? 0 : 1;
            // A batch of several images has no previews (Backend::decodeBatch): it really batched.
            QCOMPARE(withPreview > 0, batch == 1);
            for (std::size_t i = 0; i < 3; ++i) {
                const ui::DecodeVariation& v = result.variations[i];
                QCOMPARE(v.settings.seed, std::uint32_t(4 + i));
                QCOMPARE(v.settings.steps, 2u);
                const double d = diff(v.image, expected[i]);
                QVERIFY2(batch > 1 ? d <= 1.0 : d == 0.0, qPrintable(QString("batch %1: %2").arg(batch).arg(d)));
                QVERIFY(std::isfinite(v.psnr));
                QVERIFY(!v.thumbnail.isNull() && v.thumbnail.width() <= ui::VariationGrid::kThumbnailSide);
            }
            QCOMPARE(diff(result.image, expected[0]), diff(result.variations[0].image, expected[0]));
            QCOMPARE(result.settings.seed, 4u);
        }
    }

    // The Stable Diffusion family (its backend decodes the seeds one after another): two seeds,
    // two pictures, the pick recorded with the family's settings.
    void stableDiffusionVariations()
    {
        MainWindow w;
        w.show();
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.isBusy());
        DecodePanel* p = w.decodePanel();
        p->setModelPath(m_sdSet);
        p->setControlnetPath(m_controlnet);
        p->setDevice("cpu");
        emit p->modelChanged();
        QCOMPARE(p->family(), DecodeSettings::StableDiffusion1);
        QVERIFY2(p->decodeButton()->isEnabled(), qPrintable(p->statusText()));
        QVERIFY(p->variationsSpin()->isEnabled());  // no fidelity decode in this family
        p->stepsSpin()->setValue(1);
        p->workSizeSpin()->setValue(64);
        p->seedSpin()->setValue(30);
        p->setVariations(2);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY2(w.startDecode(), qPrintable(w.lastError()));
        QVERIFY(finished.wait(120000));
        QCOMPARE(w.variationCount(), 2);
        QVERIFY(w.variationGrid()->labelText(1).startsWith("seed 31\n"));
        const cv::Mat first = w.reconstruction().clone();
        QVERIFY(w.pickVariation(1));
        QVERIFY(diff(first, w.reconstruction()) > 8);
        QCOMPARE(p->seedSpin()->value(), 31);
        const SemFile f = w.currentFile();
        QCOMPARE(f.decode.family, DecodeSettings::StableDiffusion1);
        QCOMPARE(f.decode.seed, 31u);
        QCOMPARE(f.decode.workSize, 64u);
    }

    // Stop during variations keeps the last reconstruction; a pick after the streams changed is
    // refused (its record would decode to another picture).
    void stopAndStalePicks()
    {
        MainWindow w;
        prepare(w, 1, 2, 20);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY(w.startDecode());
        QVERIFY(finished.wait(120000));
        const cv::Mat good = w.reconstruction().clone();

        w.decodePanel()->stepsSpin()->setValue(200);
        w.decodePanel()->setVariations(3);
        int seen = 0;
        connect(&w, &MainWindow::decodePreviewShown, &w, [&] {
            if (++seen == 1)
                w.decodePanel()->stopButton()->click();
        });
        QSignalSpy stopped(&w, &MainWindow::decodeStopped);
        QVERIFY(w.startDecode());
        QVERIFY(stopped.wait(60000));
        QCOMPARE(diff(good, w.reconstruction()), 0.0);
        QCOMPARE(w.variationCount(), 2);  // the earlier ones stay pickable

        w.edgePanel()->lowSlider()->setValue(w.edgePanel()->lowSlider()->value() + 7);
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(!w.pickVariation(1));
        QVERIFY2(w.lastError().contains("changed since"), qPrintable(w.lastError()));
        QCOMPARE(w.pickedVariation(), 0);
    }
};

QTEST_MAIN(TestVariations)
#include "tst_variations.moc"

// The Decode panel follows the chosen model's family, and the app decodes with a Stable Diffusion
// 1.x + ControlNet model: the tiny random model of tests/diffusion/sd/fixtures/pipeline (single files
// named by a model set, the ControlNet given in the panel's own field), loading reported part by
// part, the family's settings recorded in the saved .sem.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/format/SemFile.h"
#include "core/pipeline/Decoder.h"
#include "ui/panels/DecodePanel.h"
#include "ui/workers/DecodeWorker.h"
#include "ui/window/MainWindow.h"

using namespace sem;
using sem::ui::DecodePanel;
using sem::ui::MainWindow;

namespace {

const QString kFixtures = QStringLiteral(SEM_SOURCE_DIR "/tests/diffusion/sd/fixtures/pipeline");

QList<int> samplers(const DecodePanel& p)
{
    QList<int> out;
    for (int i = 0; i < p.samplerCombo()->count(); ++i)
        out << p.samplerCombo()->itemData(i).toInt();
    return out;
}

}  // namespace

class TestDecodePanel : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_set, m_controlnet, m_imagePath;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_decodepanel");
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        // The model as single files, without a ControlNet: the panel's ControlNet field adds one.
        m_set = m_dir.filePath("set.json");
        QFile set(m_set);
        QVERIFY(set.open(QIODevice::WriteOnly));
        set.write(QStringLiteral(R"({"family": "sd1", "name": "tiny", "base": "%1/tiny_sd_singlefile.safetensors",)"
                                 R"( "tokenizer": "%1/tiny_sd/tokenizer", "config": "%1/tiny_sd"})")
                      .arg(kFixtures)
                      .toUtf8());
        set.close();
        m_controlnet = kFixtures + "/tiny_controlnet_singlefile.safetensors";
        cv::Mat img(96, 128, CV_8UC3, cv::Scalar(180, 200, 210));
        cv::rectangle(img, {20, 16, 60, 40}, cv::Scalar(20, 40, 200), cv::FILLED);
        cv::circle(img, {96, 60}, 20, cv::Scalar(200, 60, 20), cv::FILLED);
        m_imagePath = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), img));
    }

    // The sampler list, the rows shown and the defaults follow the family; the request and the
    // settings carry the Stable Diffusion fields only for that family.
    void controlsFollowTheFamily()
    {
        DecodePanel p;
        p.show();
        QCOMPARE(p.family(), DecodeSettings::BuiltIn);
        QVERIFY(samplers(p).contains(DecodeSettings::Ddpm));
        QVERIFY(!samplers(p).contains(DecodeSettings::Euler));
        QVERIFY(!p.isRowShown(p.controlScaleSpin()));
        QVERIFY(!p.isRowShown(p.controlnetEdit()->parentWidget()));
        QVERIFY(p.isRowShown(p.fidelityCheck()));
        QCOMPARE(p.guidanceSpin()->value(), 2.0);
        QVERIFY(!p.takeRequest().controlScale.has_value());

        p.samplerCombo()->setCurrentIndex(p.samplerCombo()->findData(int(DecodeSettings::Ddim)));
        p.fidelityCheck()->setChecked(true);
        p.setFamily(DecodeSettings::StableDiffusion1);
        QCOMPARE(samplers(p), (QList<int>{DecodeSettings::DpmPp2M, DecodeSettings::Ddim, DecodeSettings::Euler,
                                          DecodeSettings::EulerAncestral}));
        QCOMPARE(p.samplerCombo()->currentData().toInt(), int(DecodeSettings::Ddim));  // kept: both have it
        QCOMPARE(p.guidanceSpin()->value(), 7.5);
        QCOMPARE(p.strengthSpin()->value(), Decoder::kDefaultSdStrengthPercent / 100.0);
        QVERIFY(!p.fidelityCheck()->isChecked());  // no fidelity decode in this family
        QVERIFY(!p.isRowShown(p.fidelityCheck()));
        for (QWidget* w : {static_cast<QWidget*>(p.controlScaleSpin()), static_cast<QWidget*>(p.workSizeSpin()),
                           static_cast<QWidget*>(p.colourFixCheck()), static_cast<QWidget*>(p.karrasCheck()),
                           static_cast<QWidget*>(p.negativeEdit()), p.controlnetEdit()->parentWidget()})
            QVERIFY(p.isRowShown(w));
        QVERIFY(p.samplerCombo()->isEnabled());

        p.controlScaleSpin()->setValue(0.8);
        p.workSizeSpin()->setValue(516);  // rounded down to a multiple of 8
        p.colourFixCheck()->setChecked(false);
        p.negativeEdit()->setText("  blurry ");
        p.samplerCombo()->setCurrentIndex(p.samplerCombo()->findData(int(DecodeSettings::EulerAncestral)));
        QVERIFY(!p.karrasCheck()->isEnabled());  // Karras sigmas: DPM++ 2M and Euler only
        const DecodeSettings s = p.settings();
        QCOMPARE(s.family, DecodeSettings::StableDiffusion1);
        QCOMPARE(s.sampler, DecodeSettings::EulerAncestral);
        QCOMPARE(s.controlScaleHundredths, 80u);
        QCOMPARE(s.workSize, 512u);
        QVERIFY(!s.colourFix);
        QCOMPARE(s.guidanceTenths, 75u);
        const DecodeRequest r = p.takeRequest();
        QCOMPARE(*r.controlScale, 0.8f);
        QCOMPARE(*r.workSize, 512);
        QCOMPARE(*r.colourFix, false);
        QCOMPARE(r.negativePrompt, std::string("blurry"));
        QVERIFY(!r.fidelity);
        // The request passes the family's own validation.
        QCOMPARE(Decoder::resolve(DecodeSettings{}, r, DecodeSettings::StableDiffusion1).workSize, 512u);

        // Back to the built-in family: its samplers, and the settings the user left it with (issue 17:
        // each family keeps its own), not the other family's nor the defaults.
        p.setFamily(DecodeSettings::BuiltIn);
        QCOMPARE(p.samplerCombo()->currentData().toInt(), int(DecodeSettings::Ddim));
        QVERIFY(p.fidelityCheck()->isChecked());
        QCOMPARE(p.guidanceSpin()->value(), 2.0);
        QCOMPARE(p.strengthSpin()->value(), Decoder::kDefaultStrengthPercent / 100.0);
        p.fidelityCheck()->setChecked(false);
        const DecodeRequest b = p.takeRequest();
        QVERIFY(!b.controlScale && !b.workSize && !b.colourFix && !b.karras && b.negativePrompt.empty());
        QCOMPARE(p.settings().family, DecodeSettings::BuiltIn);
        Decoder::resolve(DecodeSettings{}, b, DecodeSettings::BuiltIn);  // no throw
    }

    // Settings recorded for one family are shown only when the model is of that family.
    void recordedSettingsOfTheFamily()
    {
        DecodePanel p;
        DecodeSettings sd;
        sd.present = true;
        sd.family = DecodeSettings::StableDiffusion1;
        sd.sampler = DecodeSettings::Euler;
        sd.steps = 7;
        sd.guidanceTenths = 60;
        sd.strengthPercent = 55;
        sd.controlScaleHundredths = 130;
        sd.workSize = 640;
        sd.colourFix = false;
        sd.karras = false;
        p.stepsSpin()->setValue(33);  // the user's built-in settings
        p.guidanceSpin()->setValue(3.5);
        p.setSettings(sd);  // the panel is on the built-in family: not applied, kept for that family
        QCOMPARE(p.stepsSpin()->value(), 33);
        QCOMPARE(p.guidanceSpin()->value(), 3.5);
        QVERIFY(p.keptSettings(DecodeSettings::StableDiffusion1));
        QCOMPARE(*p.keptSettings(DecodeSettings::StableDiffusion1), sd);
        p.setFamily(DecodeSettings::StableDiffusion1);  // a model of that family: the record is shown
        QCOMPARE(p.settings(), sd);
        QVERIFY(!p.randomSeedCheck()->isChecked());
        p.guidanceSpin()->setValue(9.0);  // the user's own Stable Diffusion settings from now on
        p.setFamily(DecodeSettings::BuiltIn);
        QCOMPARE(p.stepsSpin()->value(), 33);
        QCOMPARE(p.guidanceSpin()->value(), 3.5);
        p.setFamily(DecodeSettings::StableDiffusion1);
        QCOMPARE(p.guidanceSpin()->value(), 9.0);
        QCOMPARE(p.workSizeSpin()->value(), 640);
        p.setSettings(sd);  // a record of the family shown applies at once
        QCOMPARE(p.settings(), sd);
    }

    // The decode worker loads a Stable Diffusion model part by part, says so, and names the family.
    void loadingIsReportedPartByPart()
    {
        ui::DecodeController controller;
        QSignalSpy loading(&controller, &ui::DecodeController::loading);
        QSignalSpy loaded(&controller, &ui::DecodeController::modelLoaded);
        QSignalSpy failed(&controller, &ui::DecodeController::failed);
        QSignalSpy finished(&controller, &ui::DecodeController::finished);
        ui::DecodeJob job;
        job.file.width = 64;
        job.file.height = 64;
        job.modelPath = m_set.toStdString();
        job.controlnet = m_controlnet.toStdString();
        job.device = "cpu";
        job.request.steps = 1;
        job.request.workSize = 64;
        QVERIFY(controller.start(job) != 0);
        QVERIFY(finished.wait(60000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(loading.count(), 5);
        QStringList parts;
        for (const auto& args : loading) {
            parts << args.at(0).toString();
            QCOMPARE(args.at(2).toInt(), 5);
        }
        QCOMPARE(parts, (QStringList{"tokenizer", "text encoder", "UNet", "VAE", "ControlNet"}));
        QCOMPARE(loading.last().at(1).toInt(), 5);
        QCOMPARE(loaded.count(), 1);
        const auto info = loaded.first().at(0).value<ui::ModelInfo>();
        QCOMPARE(info.family, QString("sd1"));
        QVERIFY(info.parameters > 0);
        QCOMPARE(info.device, QString("cpu"));

        // The same model again: not loaded a second time.
        loading.clear();
        QVERIFY(controller.start(job) != 0);
        QVERIFY(finished.wait(60000));
        QCOMPARE(loading.count(), 0);
    }

    // The app end to end: the family from the model path, the ControlNet field, a decode with
    // previews, the family's settings recorded in the .sem, and a model of the wrong kind refused.
    void appDecodesWithStableDiffusion()
    {
        MainWindow w;
        w.show();
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.isBusy());
        DecodePanel* p = w.decodePanel();
        p->setModelPath(m_set);
        p->setControlnetPath(m_dir.filePath("missing-controlnet.safetensors"));
        p->setDevice("cpu");
        emit p->modelChanged();
        QCOMPARE(p->family(), DecodeSettings::StableDiffusion1);
        QVERIFY(!p->decodeButton()->isEnabled());
        QVERIFY2(p->modelText().startsWith("No ControlNet"), qPrintable(p->modelText()));
        p->setControlnetPath(m_controlnet);
        emit p->modelChanged();
        QVERIFY2(p->decodeButton()->isEnabled(), qPrintable(p->statusText()));
        QVERIFY2(p->modelText().contains("Stable Diffusion 1.x"), qPrintable(p->modelText()));
        QCOMPARE(QSettings().value("decode/controlnetPath").toString(), m_controlnet);
        p->stepsSpin()->setValue(2);
        p->workSizeSpin()->setValue(128);
        p->controlScaleSpin()->setValue(0.9);
        p->setPreviewEvery(1);
        QSignalSpy previews(&w, &MainWindow::decodePreviewShown);
        QSignalSpy finished(&w, &MainWindow::decodeFinished);
        QVERIFY2(w.startDecode(), qPrintable(w.lastError()));
        QVERIFY(finished.wait(120000));
        QVERIFY(previews.count() >= 1);
        QVERIFY(w.hasReconstruction());
        QCOMPARE(w.reconstruction().cols, 128);
        QCOMPARE(w.reconstruction().rows, 96);
        QVERIFY2(p->modelText().contains("Stable Diffusion 1.x model") && p->modelText().contains("on cpu"),
                 qPrintable(p->modelText()));
        QVERIFY2(p->statusText().contains("control 0.90, 128 px"), qPrintable(p->statusText()));

        const QString sem = m_dir.filePath("sd.sem");
        QVERIFY2(w.saveSem(sem), qPrintable(w.lastError()));
        const SemFile saved = SemFile::load(sem.toStdString());
        QVERIFY(saved.decode.present);
        QCOMPARE(saved.decode.family, DecodeSettings::StableDiffusion1);
        QCOMPARE(saved.decode.steps, 2u);
        QCOMPARE(saved.decode.workSize, 128u);
        QCOMPARE(saved.decode.controlScaleHundredths, 90u);
        QCOMPARE(saved.decode.guidanceTenths, 75u);
        QVERIFY(saved.modelId != 0);
        const cv::Mat first = w.reconstruction().clone();

        // The saved file in a new window with the same model: its settings, the same pixels.
        MainWindow r;
        r.show();
        QVERIFY2(r.openSem(sem), qPrintable(r.lastError()));
        r.decodePanel()->setModelPath(m_set);
        r.decodePanel()->setControlnetPath(m_controlnet);
        r.decodePanel()->setDevice("cpu");
        emit r.decodePanel()->modelChanged();
        r.decodePanel()->setSettings(saved.decode);  // the family is known now
        QCOMPARE(r.decodePanel()->workSizeSpin()->value(), 128);
        QSignalSpy again(&r, &MainWindow::decodeFinished);
        QVERIFY2(r.startDecode(), qPrintable(r.lastError()));
        QVERIFY(again.wait(120000));
        QCOMPARE(cv::norm(first, r.reconstruction(), cv::NORM_INF), 0.0);

        // A ControlNet given as the model: named, decode stays off, the reconstruction stays.
        p->setModelPath(m_controlnet);
        emit p->modelChanged();
        QVERIFY(!p->decodeButton()->isEnabled());
        QVERIFY2(p->modelText().contains("ControlNet"), qPrintable(p->modelText()));
        QVERIFY(!w.startDecode());
        QCOMPARE(cv::norm(first, w.reconstruction(), cv::NORM_INF), 0.0);
    }

    // Issue 17, the app: a .sem of the other family keeps the user's settings of each family. A
    // Stable Diffusion .sem opened while the built-in model is chosen changes nothing in the panel
    // and says so; choosing the Stable Diffusion model shows the file's settings; coming back shows
    // the user's built-in ones. And the reverse.
    void otherFamilySemKeepsEachFamilysSettings()
    {
        MainWindow w;
        w.show();
        // The image's streams in a .sem that records Stable Diffusion settings (as a decode with that
        // family saves them; appDecodesWithStableDiffusion checks such a file end to end).
        QVERIFY2(w.openImage(m_imagePath), qPrintable(w.lastError()));
        QTRY_VERIFY(!w.isBusy());
        const QString sdSem = m_dir.filePath("other-family-sd.sem");
        QVERIFY2(w.saveSem(sdSem), qPrintable(w.lastError()));
        SemFile sdFile = SemFile::load(sdSem.toStdString());
        sdFile.decode = DecodeSettings{};
        sdFile.decode.present = true;
        sdFile.decode.family = DecodeSettings::StableDiffusion1;
        sdFile.decode.sampler = DecodeSettings::Euler;
        sdFile.decode.karras = false;
        sdFile.decode.colourFix = false;
        sdFile.decode.steps = 3;
        sdFile.decode.guidanceTenths = 65;
        sdFile.decode.strengthPercent = 60;
        sdFile.decode.controlScaleHundredths = 80;
        sdFile.decode.workSize = 256;
        sdFile.decode.seed = 42;
        sdFile.save(sdSem.toStdString());

        DecodePanel* p = w.decodePanel();
        auto chooseModel = [p](const QString& model, const QString& controlnet) {
            p->setModelPath(model);
            p->setControlnetPath(controlnet);
            emit p->modelChanged();
        };
        const QString builtInModel = QStringLiteral(SEM_SOURCE_DIR "/models/default");
        chooseModel(builtInModel, QString());  // the built-in model
        QCOMPARE(p->family(), DecodeSettings::BuiltIn);
        p->samplerCombo()->setCurrentIndex(p->samplerCombo()->findData(int(DecodeSettings::Ddim)));
        p->stepsSpin()->setValue(33);
        p->guidanceSpin()->setValue(3.5);
        p->randomSeedCheck()->setChecked(false);
        p->seedSpin()->setValue(1234);
        const DecodeSettings mine = p->settings();

        QVERIFY2(w.openSem(sdSem), qPrintable(w.lastError()));
        QCOMPARE(p->family(), DecodeSettings::BuiltIn);
        QCOMPARE(p->settings(), mine);
        QVERIFY2(w.statusBar()->currentMessage().contains("Stable Diffusion"),
                 qPrintable(w.statusBar()->currentMessage()));
        chooseModel(m_set, m_controlnet);
        QCOMPARE(p->family(), DecodeSettings::StableDiffusion1);
        QCOMPARE(p->settings(), sdFile.decode);  // the file's: it decodes as it was decoded
        p->controlScaleSpin()->setValue(1.4);    // the user's Stable Diffusion settings from now on
        const DecodeSettings mineSd = p->settings();
        chooseModel(builtInModel, QString());
        QCOMPARE(p->family(), DecodeSettings::BuiltIn);
        QCOMPARE(p->settings(), mine);

        // The reverse: a built-in .sem while the Stable Diffusion model is chosen.
        SemFile builtIn = sdFile;
        builtIn.decode = DecodeSettings{};
        builtIn.decode.present = true;
        builtIn.decode.sampler = DecodeSettings::Ddpm;
        builtIn.decode.steps = 12;
        builtIn.decode.guidanceTenths = 25;
        builtIn.decode.strengthPercent = 40;
        builtIn.decode.seed = 77;
        const QString builtInSem = m_dir.filePath("builtin.sem");
        builtIn.save(builtInSem.toStdString());
        chooseModel(m_set, m_controlnet);
        QCOMPARE(p->settings(), mineSd);
        QVERIFY2(w.openSem(builtInSem), qPrintable(w.lastError()));
        QCOMPARE(p->settings(), mineSd);
        QVERIFY2(w.statusBar()->currentMessage().contains("built-in model"), qPrintable(w.statusBar()->currentMessage()));
        chooseModel(builtInModel, QString());
        QCOMPARE(p->family(), DecodeSettings::BuiltIn);
        QCOMPARE(p->settings(), builtIn.decode);
    }
};

QTEST_MAIN(TestDecodePanel)
#include "tst_decodepanel.moc"

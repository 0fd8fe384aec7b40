// The Settings dialog round trip (QSettings; the API key never goes there) and the autosave of
// the working state with its restore after a crash.
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/caption/CaptionSettings.h"
#include "ui/CaptionPanel.h"
#include "ui/DecodePanel.h"
#include "ui/EdgePanel.h"
#include "ui/HintPanel.h"
#include "ui/MainWindow.h"
#include "ui/SettingsDialog.h"
#include "ui/SliderBench.h"

using namespace sem;
using sem::ui::MainWindow;
using sem::ui::SettingsDialog;

class TestSettingsAutosave : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_imagePath;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_settingsautosave");
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), ui::syntheticPhoto(200, 150, 9)));
    }

    void settingsRoundTrip()
    {
        {
            SettingsDialog d;
            d.endpointEdit()->setText("http://127.0.0.1:11434/v1");
            d.modelEdit()->setText("llava");
            d.maxWordsSpin()->setValue(12);
            d.detailCombo()->setCurrentText("high");
            d.timeoutSpin()->setValue(33);
            d.modelPathEdit()->setText("/opt/models/x");
            d.deviceCombo()->setCurrentText("cpu");
            d.previewSpin()->setValue(3);
            QVERIFY2(d.apply(), qPrintable(d.errorText()));
        }
        const CaptionSettings c = CaptionSettings::load();
        QCOMPARE(c.baseUrl, QString("http://127.0.0.1:11434/v1"));
        QCOMPARE(c.model, QString("llava"));
        QCOMPARE(c.maxWords, 12);
        QCOMPARE(c.detail, QString("high"));
        QCOMPARE(c.timeoutSeconds, 33);
        SettingsDialog again;
        QCOMPARE(again.endpointEdit()->text(), QString("http://127.0.0.1:11434/v1"));
        QCOMPARE(again.maxWordsSpin()->value(), 12);
        QCOMPARE(again.modelPathEdit()->text(), QString("/opt/models/x"));
        QCOMPARE(again.deviceCombo()->currentText(), QString("cpu"));
        QCOMPARE(again.previewSpin()->value(), 3);
        QVERIFY(again.apiKeyEdit()->text().isEmpty());
        // The main window's Decode panel takes them.
        MainWindow w;
        QCOMPARE(w.decodePanel()->modelPath(), QString("/opt/models/x"));
        QCOMPARE(w.decodePanel()->device(), QString("cpu"));
        QCOMPARE(w.decodePanel()->previewEvery(), 3);
        // Nothing under the settings holds a key.
        for (const QString& k : QSettings().allKeys())
            QVERIFY2(!k.contains("key", Qt::CaseInsensitive) || k == "caption/model", qPrintable(k));
    }

    void invalidSettingsAreRefused()
    {
        SettingsDialog d;
        d.endpointEdit()->setText("not a url");
        QVERIFY(!d.apply());
        QVERIFY(!d.errorText().isEmpty());
        QCOMPARE(CaptionSettings::load().baseUrl, QString("http://127.0.0.1:11434/v1"));  // unchanged
    }

    void autosaveRestoresAfterACrash()
    {
        MainWindow::clearAutosave();
        QVERIFY(!MainWindow::hasAutosave());
        CannyParams wanted;
        {
            auto* w = new MainWindow;
            w->show();
            QVERIFY(w->openImage(m_imagePath));
            QTRY_VERIFY(!w->isBusy());
            w->edgePanel()->lowSlider()->setValue(25);
            w->edgePanel()->highSlider()->setValue(70);
            QTest::keyClicks(w->captionPanel()->editor(), "a crashed session");
            wanted = w->edgePanel()->params();
            QTRY_VERIFY_WITH_TIMEOUT(MainWindow::hasAutosave(), 10000);  // a few seconds after the change
            QTRY_VERIFY(!w->isBusy());
            delete w;  // no closeEvent: like a crash, the state stays
        }
        QVERIFY(MainWindow::hasAutosave());
        MainWindow r;
        r.show();
        QVERIFY2(r.restoreAutosave(), qPrintable(r.lastError()));
        QCOMPARE(r.captionPanel()->text(), QString("a crashed session"));
        QCOMPARE(r.edgePanel()->params().low, wanted.low);
        QCOMPARE(r.edgePanel()->params().high, wanted.high);
        QTRY_VERIFY(!r.isBusy());
        QVERIFY(r.currentFile().edges.has_value());
        // A clean exit clears it.
        r.captionPanel()->setText(QString());
        QVERIFY(r.saveSem(m_dir.filePath("clean.sem")));
        QVERIFY(r.close());
        QVERIFY(!MainWindow::hasAutosave());
    }
};

QTEST_MAIN(TestSettingsAutosave)
#include "tst_settingsautosave.moc"

// The Settings dialog round trip (QSettings; the API key never goes there) and the autosave of
// the working state with its restore after a crash (at startup or later from the File menu).
#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/caption/CaptionSettings.h"
#include "ui/panels/CaptionPanel.h"
#include "ui/panels/DecodePanel.h"
#include "ui/panels/EdgePanel.h"
#include "ui/panels/HintPanel.h"
#include "ui/window/MainWindow.h"
#include "ui/dialogs/SettingsDialog.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using namespace sem;
using sem::ui::MainWindow;
using sem::ui::SettingsDialog;

class TestSettingsAutosave : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_imagePath;
    QString m_otherPath;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_settingsautosave");
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(m_imagePath.toStdString(), devbench::syntheticPhoto(200, 150, 9)));
        m_otherPath = m_dir.filePath("other.png");
        QVERIFY(cv::imwrite(m_otherPath.toStdString(), devbench::syntheticPhoto(160, 120, 4)));
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

    // A crash leaves the working state; the next start moves it to the previous-session slot and
    // offers it. Declining keeps it: File > Restore Previous Session brings it back later, after
    // asking about the unsaved work it would replace.
    void crashThenDeclineThenRestoreFromTheMenu()
    {
        MainWindow::clearAutosave();
        QSettings().remove("previousSession");
        QVERIFY(!MainWindow::adoptUncleanSession());  // nothing was left behind
        CannyParams wanted;
        {
            auto* w = new MainWindow;
            w->show();
            QVERIFY(!w->restoreSessionAction()->isEnabled());
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
        // The next start.
        QVERIFY(MainWindow::adoptUncleanSession());
        QVERIFY(!MainWindow::hasAutosave());
        QCOMPARE(MainWindow::previousSessionImage(), m_imagePath);
        MainWindow r;
        r.show();
        QVERIFY(r.restoreSessionAction()->isEnabled());
        QVERIFY(r.restoreSessionAction()->toolTip().contains("photo.png"));

        // Declined: the user works on another image. This session's autosave does not touch the
        // previous session's state.
        QVERIFY(r.openImage(m_otherPath));
        QTRY_VERIFY(!r.isBusy());
        QTest::keyClicks(r.captionPanel()->editor(), "new work");
        QVERIFY(r.isWindowModified());
        QTRY_VERIFY_WITH_TIMEOUT(MainWindow::hasAutosave(), 10000);
        QCOMPARE(MainWindow::previousSessionImage(), m_imagePath);
        QVERIFY(r.restoreSessionAction()->isEnabled());

        // Restore from the menu: the unsaved work comes first. Cancel keeps it.
        QString question;
        answer(QMessageBox::Cancel, &question);
        r.restoreSessionAction()->trigger();
        QVERIFY2(question.contains("unsaved changes"), qPrintable(question));
        QVERIFY(!r.isLoading());
        QCOMPARE(r.captionPanel()->text(), QString("new work"));
        QVERIFY(r.semPath().isEmpty());
        QVERIFY(MainWindow::hasPreviousSession());

        // Discard: the previous session comes back, loaded in the background.
        QSignalSpy restored(&r, &MainWindow::sessionRestored);
        answer(QMessageBox::Discard, &question);
        r.restoreSessionAction()->trigger();
        QVERIFY(r.isLoading());
        QVERIFY(restored.wait(60000));
        QCOMPARE(r.captionPanel()->text(), QString("a crashed session"));
        QCOMPARE(r.edgePanel()->params().low, wanted.low);
        QCOMPARE(r.edgePanel()->params().high, wanted.high);
        QVERIFY(r.windowTitle().contains("photo.png"));
        QVERIFY(r.isWindowModified());  // restored work is not saved anywhere yet
        // It is this session's working state now; the slot is used up.
        QVERIFY(!MainWindow::hasPreviousSession());
        QVERIFY(!r.restoreSessionAction()->isEnabled());
        QVERIFY(MainWindow::hasAutosave());
        QTRY_VERIFY(!r.isBusy());
        QVERIFY(r.currentFile().edges.has_value());

        // A clean exit clears the autosave; nothing is offered at the next start.
        r.captionPanel()->setText(QString());
        QVERIFY(r.saveSem(m_dir.filePath("clean.sem")));
        QVERIFY(r.close());
        QVERIFY(!MainWindow::hasAutosave());
        QVERIFY(!MainWindow::adoptUncleanSession());
    }

    void restoringAMissingImageKeepsTheState()
    {
        const QString gone = m_dir.filePath("gone.png");
        QVERIFY(QFile::copy(m_imagePath, gone));
        {
            MainWindow w;
            QVERIFY(w.openImage(gone));
            w.captionPanel()->setText("about a file that goes away");
            w.saveAutosaveNow();
        }  // a crash
        QVERIFY(MainWindow::adoptUncleanSession());
        QVERIFY(QFile::remove(gone));
        MainWindow r;
        r.show();
        QVERIFY(!r.restorePreviousSession());
        QVERIFY(r.lastError().contains("gone.png"));
        QVERIFY(MainWindow::hasPreviousSession());  // still there to retry (e.g. after a remount)
        // From the menu: the error in a dialog, the state kept.
        QString message;
        answer(QMessageBox::Ok, &message);
        QSignalSpy failed(&r, &MainWindow::openFailed);
        r.restoreSessionAction()->trigger();
        QVERIFY(failed.wait(30000));
        QTRY_VERIFY(!message.isEmpty());
        QVERIFY2(message.contains("gone.png"), qPrintable(message));
        QVERIFY(!r.hasDocument());
        QVERIFY(MainWindow::hasPreviousSession());
        QVERIFY(r.restoreSessionAction()->isEnabled());
        QSettings().remove("previousSession");
    }

private:
    // Answers the next message box with `button`, recording its text.
    static void answer(QMessageBox::StandardButton button, QString* text)
    {
        text->clear();
        auto* poll = new QTimer;
        poll->setInterval(10);
        QObject::connect(poll, &QTimer::timeout, [poll, button, text] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box)
                return;
            *text = box->text();
            poll->deleteLater();
            box->button(button)->click();
        });
        poll->start();
    }
};

QTEST_MAIN(TestSettingsAutosave)
#include "tst_settingsautosave.moc"

// Issue 20, keys without a keychain: when the OS keychain fails, the Settings dialog says that
// the keychain service is missing and offers a session-only key, kept in memory and never written;
// caption generation then sends it. The keychain is replaced by an injected store: this test
// never touches a real keychain (and DBUS_SESSION_BUS_ADDRESS points nowhere, in case).
#include <QCheckBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "core/caption/CaptionSettings.h"
#include "core/caption/FakeHttpServer.h"
#include "core/common/Error.h"
#include "ui/dialogs/ApiKeyField.h"
#include "ui/window/MainWindow.h"
#include "ui/dialogs/SessionApiKey.h"
#include "ui/dialogs/SettingsDialog.h"
#include "tools/semcompress-devbench/SyntheticPhoto.h"

using namespace sem;
using sem::test::FakeHttpServer;
using sem::ui::ApiKeyField;
using sem::ui::MainWindow;
using sem::ui::SessionApiKey;
using sem::ui::SettingsDialog;

namespace {
const QString kKey = QStringLiteral("sk-session-MARKER-51c0ffee");
const QByteArray kKeyCore = "MARKER-51c0ffee";
}  // namespace

class TestApiKeyField : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_storeCalls = 0;

    void failKeychain(SettingsDialog& d)
    {
        d.apiKeyField()->setStore([this](const QString&) {
            ++m_storeCalls;
            throw Error("API key store: could not save the key: the OS keychain is unavailable (no D-Bus session "
                        "bus).");
        });
    }

    void verifyKeyInNoFile()
    {
        QSettings().sync();
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            QVERIFY2(!f.readAll().contains(kKeyCore), qPrintable(path));
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_apikeyfield");
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("config"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::SystemScope, m_dir.filePath("system"));
        QSettings().clear();
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + m_dir.filePath("no-bus").toLocal8Bit());
        qunsetenv("OPENAI_API_KEY");
    }

    void init()
    {
        SessionApiKey::clear();
        m_storeCalls = 0;
    }

    void keychainFailureOffersSessionOnlyKey()
    {
        SettingsDialog d;
        failKeychain(d);
        ApiKeyField* field = d.apiKeyField();
        QVERIFY(!field->sessionOnlyCheck()->isVisibleTo(&d));  // offered only once the keychain failed
        d.apiKeyEdit()->setText(kKey);
        QVERIFY(!d.apply());
        QCOMPARE(m_storeCalls, 1);
        QVERIFY(field->keychainFailed());
        QVERIFY2(field->statusText().contains("keychain service is missing"), qPrintable(field->statusText()));
        QVERIFY2(d.errorText().contains("keychain is unavailable") && d.errorText().contains("session only"),
                 qPrintable(d.errorText()));
        QVERIFY(!d.errorText().contains(kKeyCore));
        QVERIFY(field->sessionOnlyCheck()->isVisibleTo(&d));
        QVERIFY(!SessionApiKey::isSet());  // nothing kept until the user says so

        field->sessionOnlyCheck()->setChecked(true);
        QVERIFY2(d.apply(), qPrintable(d.errorText()));
        QCOMPARE(m_storeCalls, 1);  // the keychain is not asked again
        QCOMPARE(SessionApiKey::key(), kKey);
        QVERIFY(d.apiKeyEdit()->text().isEmpty());
        QVERIFY2(field->statusText().contains("this session only"), qPrintable(field->statusText()));
        QVERIFY(!field->sessionOnlyCheck()->isVisibleTo(&d));
        const ApiKeyStore::Lookup found = SessionApiKey::lookup();
        QCOMPARE(found.key, kKey);
        for (const QString& k : QSettings().allKeys())
            QVERIFY2(!QSettings().value(k).toString().contains(QLatin1String(kKeyCore)), qPrintable(k));
        verifyKeyInNoFile();

        SettingsDialog again;  // reopened: says a session key is in use, shows no key
        QVERIFY(again.apiKeyEdit()->text().isEmpty());
        QVERIFY2(again.apiKeyField()->statusText().contains("session-only key is in use"),
                 qPrintable(again.apiKeyField()->statusText()));
    }

    void badKeyIsRefusedForTheSessionToo()
    {
        SettingsDialog d;
        failKeychain(d);
        d.apiKeyEdit()->setText("two words");
        QVERIFY(!d.apply());
        d.apiKeyField()->sessionOnlyCheck()->setChecked(true);
        QVERIFY(!d.apply());
        QVERIFY(d.errorText().contains("spaces"));
        QVERIFY(!SessionApiKey::isSet());
    }

    void workingKeychainStoresAndDropsTheSessionKey()
    {
        SessionApiKey::set("sk-old-session");
        SettingsDialog d;
        QString stored;
        d.apiKeyField()->setStore([&stored](const QString& key) { stored = key; });
        d.apiKeyEdit()->setText(kKey);
        QVERIFY2(d.apply(), qPrintable(d.errorText()));
        QCOMPARE(stored, kKey);
        QVERIFY(!SessionApiKey::isSet());
        QVERIFY(!d.apiKeyField()->sessionOnlyCheck()->isVisibleTo(&d));
        QVERIFY(d.apiKeyField()->statusText().contains("stored in the system keychain"));
    }

    void captionGenerationSendsTheSessionKey()
    {
        FakeHttpServer server;
        CaptionSettings s;
        s.baseUrl = server.baseUrl();
        s.model = "fake-vision";
        s.maxRetries = 0;
        s.timeoutSeconds = 10;
        s.save();
        server.enqueue(FakeHttpServer::response(200, FakeHttpServer::completion(R"("A red box on a table.")")));
        SessionApiKey::set(kKey);
        const QString image = m_dir.filePath("photo.png");
        QVERIFY(cv::imwrite(image.toStdString(), devbench::syntheticPhoto(96, 64, 3)));
        MainWindow w;
        w.show();
        QVERIFY2(w.openImage(image), qPrintable(w.lastError()));
        QSignalSpy generated(&w, &MainWindow::captionGenerated);
        QVERIFY2(w.generateCaption(), qPrintable(w.lastError()));
        QVERIFY(generated.wait(15000));
        QCOMPARE(server.requests().size(), 1);
        QCOMPARE(server.requests().first().headers.value("authorization"), "Bearer " + kKey.toLatin1());
        w.saveAutosaveNow();
        verifyKeyInNoFile();
        SessionApiKey::clear();
    }
};

QTEST_MAIN(TestApiKeyField)
#include "tst_apikeyfield.moc"

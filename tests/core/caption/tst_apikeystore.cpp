// ApiKeyStore with the keychain made unreachable (a D-Bus address where nothing listens), as on
// a CI machine: the environment variable still works, the keychain reports a clear error, and
// no plain-text copy of the key is ever written.
#include "core/caption/ApiKeyStore.h"
#include "core/common/Error.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

using sem::ApiKeyStore;

namespace {
const QByteArray kKey = "sk-test-SECRET-123";
}

class TestApiKeyStore : public QObject {
    Q_OBJECT

private:
    QTemporaryDir home_;

    // True if any file under the fake home contains the key.
    bool keyWrittenSomewhere() const {
        QDirIterator it(home_.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains("SECRET")) return true;
        }
        return false;
    }

private slots:
    void initTestCase() {
#ifndef Q_OS_LINUX
        QSKIP("the unreachable-keychain setup below is Linux-specific");
#endif
        QVERIFY(home_.isValid());
        qputenv("HOME", home_.path().toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", home_.filePath("config").toLocal8Bit());
        qputenv("XDG_DATA_HOME", home_.filePath("data").toLocal8Bit());
        qputenv("XDG_RUNTIME_DIR", home_.filePath("run").toLocal8Bit());
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + home_.filePath("no-bus").toLocal8Bit());
        qunsetenv("DISPLAY");  // no D-Bus autolaunch
        qunsetenv("OPENAI_API_KEY");
    }

    void environmentVariableWins() {
        qputenv("OPENAI_API_KEY", "  " + kKey + "\n");
        const ApiKeyStore::Lookup found = ApiKeyStore::find();
        qunsetenv("OPENAI_API_KEY");
        QCOMPARE(found.key, QString::fromLatin1(kKey));
        QCOMPARE(found.source, ApiKeyStore::Source::Environment);
        QVERIFY(found.keychainProblem.isEmpty());
        QVERIFY(ApiKeyStore::sourceName(found.source).contains(QLatin1String("OPENAI_API_KEY")));
    }

    void unavailableKeychainIsReported() {
        const ApiKeyStore::Lookup found = ApiKeyStore::find();
        QVERIFY(found.key.isEmpty());
        QCOMPARE(found.source, ApiKeyStore::Source::None);
        QVERIFY2(found.keychainProblem.contains(QLatin1String("keychain")), qPrintable(found.keychainProblem));
    }

    void storingFailsClearlyWithoutPlainTextFallback() {
        try {
            ApiKeyStore::storeInKeychain(QString::fromLatin1(kKey));
            QFAIL("storing into an unreachable keychain did not fail");
        } catch (const sem::Error& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(QLatin1String("API key store: could not save the key")), qPrintable(msg));
            QVERIFY2(msg.contains(QLatin1String("keychain")), qPrintable(msg));
            QVERIFY(!msg.contains(QLatin1String("SECRET")));
        }
        QVERIFY(!keyWrittenSomewhere());
        QVERIFY(ApiKeyStore::find().key.isEmpty());
    }

    void deletingFailsClearly() {
        try {
            ApiKeyStore::deleteFromKeychain();
            QFAIL("deleting from an unreachable keychain did not fail");
        } catch (const sem::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("keychain")), e.what());
        }
    }

    void badKeysAreRefusedBeforeTheKeychain() {
        QVERIFY_THROWS_EXCEPTION(sem::Error, ApiKeyStore::storeInKeychain(QStringLiteral("   ")));
        try {
            ApiKeyStore::storeInKeychain(QStringLiteral("sk-SECRET with space"));
            QFAIL("no exception");
        } catch (const sem::Error& e) {
            QVERIFY(!QString::fromUtf8(e.what()).contains(QLatin1String("SECRET")));
        }
    }
};

QTEST_GUILESS_MAIN(TestApiKeyStore)
#include "tst_apikeystore.moc"

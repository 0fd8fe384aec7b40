#include "core/caption/CaptionSettings.h"
#include "core/common/Error.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using sem::CaptionSettings;

class TestCaptionSettings : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString iniPath() const { return dir_.filePath(QStringLiteral("settings.ini")); }

private slots:
    void defaults() {
        const CaptionSettings s;
        QCOMPARE(s.baseUrl, QStringLiteral("https://api.openai.com/v1"));
        QCOMPARE(s.model, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(s.maxWords, 25);
        QCOMPARE(s.detail, QStringLiteral("low"));
        QCOMPARE(s.timeoutSeconds, 60);
        QCOMPARE(s.maxRetries, 3);
        QVERIFY(s.problems().isEmpty());
        QCOMPARE(s.chatCompletionsUrl(), QStringLiteral("https://api.openai.com/v1/chat/completions"));
        QCOMPARE(CaptionSettings::keys(), (QStringList{"endpoint", "model", "max-words", "detail", "timeout", "max-retries"}));
    }

    void setAcceptsValidValues() {
        CaptionSettings s;
        s.set("endpoint", "http://localhost:11434/v1/");
        QCOMPARE(s.baseUrl, QStringLiteral("http://localhost:11434/v1"));
        QCOMPARE(s.chatCompletionsUrl(), QStringLiteral("http://localhost:11434/v1/chat/completions"));
        s.set("model", " llava:13b ");
        QCOMPARE(s.model, QStringLiteral("llava:13b"));
        s.set("max-words", "40");
        s.set("detail", "high");
        s.set("timeout", "120");
        s.set("max-retries", "0");
        QCOMPARE(s.maxWords, 40);
        QCOMPARE(s.value("detail"), QStringLiteral("high"));
        QCOMPARE(s.timeoutSeconds, 120);
        QCOMPARE(s.maxRetries, 0);
    }

    void setRejectsInvalidValues_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("ftp url") << "endpoint" << "ftp://example.com/v1";
        QTest::newRow("not a url") << "endpoint" << "api.openai.com";
        QTest::newRow("user in url") << "endpoint" << "https://user:pw@example.com/v1";
        QTest::newRow("empty model") << "model" << "  ";
        QTest::newRow("model with space") << "model" << "gpt 4";
        QTest::newRow("zero words") << "max-words" << "0";
        QTest::newRow("too many words") << "max-words" << "100000";
        QTest::newRow("words not a number") << "max-words" << "twenty";
        QTest::newRow("detail") << "detail" << "medium";
        QTest::newRow("timeout 0") << "timeout" << "0";
        QTest::newRow("timeout huge") << "timeout" << "99999";
        QTest::newRow("retries negative") << "max-retries" << "-1";
        QTest::newRow("unknown key") << "api-key" << "sk-x";
    }
    void setRejectsInvalidValues() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        CaptionSettings s;
        const CaptionSettings before = s;
        try {
            s.set(key, value);
            QFAIL("no exception");
        } catch (const sem::Error& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(QLatin1String("caption settings: ")), qPrintable(msg));
            QVERIFY2(msg.contains(key), qPrintable(msg));
        }
        QCOMPARE(s.baseUrl, before.baseUrl);
        QCOMPARE(s.maxWords, before.maxWords);
        QCOMPARE(s.timeoutSeconds, before.timeoutSeconds);
    }

    void saveAndLoadRoundTrip() {
        CaptionSettings s;
        s.set("endpoint", "http://127.0.0.1:8080/v1");
        s.set("model", "qwen2-vl");
        s.set("max-words", "12");
        s.set("detail", "auto");
        s.set("timeout", "30");
        s.set("max-retries", "5");
        {
            QSettings ini(iniPath(), QSettings::IniFormat);
            s.save(ini);
        }
        QSettings ini(iniPath(), QSettings::IniFormat);
        QStringList warnings;
        const CaptionSettings r = CaptionSettings::load(ini, &warnings);
        QVERIFY(warnings.isEmpty());
        for (const QString& key : CaptionSettings::keys()) QCOMPARE(r.value(key), s.value(key));
        // Nothing that could hold a key is written.
        for (const QString& name : ini.allKeys()) QVERIFY2(!name.contains(QLatin1String("key"), Qt::CaseInsensitive), qPrintable(name));
    }

    void invalidStoredValuesFallBackToDefaults() {
        const QString path = dir_.filePath(QStringLiteral("bad.ini"));
        {
            QSettings ini(path, QSettings::IniFormat);
            ini.setValue("caption/endpoint", "gopher://old");
            ini.setValue("caption/model", "fine-model");
            ini.setValue("caption/max-words", "-7");
            ini.setValue("caption/detail", 42);
            ini.setValue("caption/timeout", "lots");
            ini.setValue("caption/max-retries", "1e9");
        }
        QSettings ini(path, QSettings::IniFormat);
        QStringList warnings;
        const CaptionSettings s = CaptionSettings::load(ini, &warnings);
        QCOMPARE(warnings.size(), 5);
        QCOMPARE(s.model, QStringLiteral("fine-model"));
        const CaptionSettings d;
        QCOMPARE(s.baseUrl, d.baseUrl);
        QCOMPARE(s.maxWords, d.maxWords);
        QCOMPARE(s.detail, d.detail);
        QCOMPARE(s.timeoutSeconds, d.timeoutSeconds);
        QCOMPARE(s.maxRetries, d.maxRetries);
        QVERIFY(warnings.front().contains(QLatin1String("endpoint")));
        QVERIFY(warnings.front().contains(QLatin1String("default")));
    }

    void garbageFileDoesNotCrash() {
        const QString path = dir_.filePath(QStringLiteral("garbage.ini"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        static const char garbage[] = "\x00\xff[caption\nmax-words=\x01\x02\ntimeout=[[[\n";
        f.write(garbage, sizeof garbage - 1);  // embedded NUL included
        f.close();
        QSettings ini(path, QSettings::IniFormat);
        QStringList warnings;
        const CaptionSettings s = CaptionSettings::load(ini, &warnings);
        QVERIFY(s.problems().isEmpty());
    }

    void problemsListsInvalidFields() {
        CaptionSettings s;
        s.maxWords = 0;
        s.detail = "ultra";
        s.backoffBaseMs = 100;
        s.backoffCapMs = 10;
        QCOMPARE(s.problems().size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestCaptionSettings)
#include "tst_captionsettings.moc"

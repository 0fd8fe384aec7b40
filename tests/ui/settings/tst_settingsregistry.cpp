// The settings registry (ui/settings/SettingsRegistry): every key's default, the round trip of
// each type, bad stored values falling back to the default, and no literal settings key left in
// ui/ or app/ outside the registry (a scan of the source tree).
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include "core/edges/CannyParams.h"
#include "ui/settings/SettingsRegistry.h"

using sem::ui::Setting;
using sem::ui::SettingsRegistry;
using sem::ui::SettingSpec;

class TestSettingsRegistry : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("SemCompressTest");
        QCoreApplication::setApplicationName("tst_settingsregistry");
        QSettings().clear();
    }

    void everyKeyIsListedOnceInOrder()
    {
        const auto& all = SettingsRegistry::all();
        QCOMPARE(int(all.size()), int(Setting::SessionSavedAt) + 1);
        QSet<QString> keys;
        for (std::size_t i = 0; i < all.size(); ++i) {
            QCOMPARE(int(all[i].id), int(i));  // spec() indexes by the enum
            const QString key = QString::fromLatin1(all[i].key);
            QVERIFY2(!keys.contains(key), qPrintable(key));
            keys.insert(key);
            QVERIFY2(SettingsRegistry::validate(all[i].id, all[i].defaultValue) || all[i].type == SettingSpec::Type::DateTime,
                     qPrintable(key));  // every default is acceptable (an unset date aside)
        }
    }

    void defaults()
    {
        QSettings().clear();
        QCOMPARE(SettingsRegistry::string(Setting::DecodeModelPath), QString());
        QCOMPARE(SettingsRegistry::string(Setting::DecodeControlnetPath), QString());
        QCOMPARE(SettingsRegistry::string(Setting::DecodeDevice), QString("auto"));
        QCOMPARE(SettingsRegistry::integer(Setting::DecodePreviewEvery), 5);
        QCOMPARE(SettingsRegistry::integer(Setting::DecodeVariations), 1);  // one decode: as before variations
        QCOMPARE(SettingsRegistry::stringList(Setting::RecentFiles), QStringList());
        QCOMPARE(SettingsRegistry::value(Setting::SessionCannyLow, "autosave").toDouble(), sem::CannyParams{}.low);
        QCOMPARE(SettingsRegistry::integer(Setting::SessionHintQuality, "autosave"), -1);
        QVERIFY(!SettingsRegistry::value(Setting::SessionSavedAt, "autosave").toDateTime().isValid());
    }

    void roundTrip()
    {
        QSettings().clear();
        QVERIFY(SettingsRegistry::setValue(Setting::DecodeModelPath, "/opt/models/x"));
        QVERIFY(SettingsRegistry::setValue(Setting::DecodeDevice, "cuda"));
        QVERIFY(SettingsRegistry::setValue(Setting::DecodePreviewEvery, 0));
        QVERIFY(SettingsRegistry::setValue(Setting::RecentFiles, QStringList{"/a.png"}));
        QVERIFY(SettingsRegistry::setValue(Setting::SessionCannyBlur, 2.5, "autosave"));
        QVERIFY(SettingsRegistry::setValue(Setting::SessionCannyRgb, true, "autosave"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(SettingsRegistry::setValue(Setting::SessionSavedAt, now, "autosave"));
        QSettings().sync();
        // The keys on disk are the ones earlier versions wrote.
        QCOMPARE(QSettings().value("decode/modelPath").toString(), QString("/opt/models/x"));
        QCOMPARE(QSettings().value("autosave/canny/blur").toDouble(), 2.5);
        QCOMPARE(SettingsRegistry::string(Setting::DecodeModelPath), QString("/opt/models/x"));
        QCOMPARE(SettingsRegistry::string(Setting::DecodeDevice), QString("cuda"));
        QCOMPARE(SettingsRegistry::integer(Setting::DecodePreviewEvery), 0);
        QCOMPARE(SettingsRegistry::stringList(Setting::RecentFiles), QStringList{"/a.png"});
        QCOMPARE(SettingsRegistry::value(Setting::SessionCannyBlur, "autosave").toDouble(), 2.5);
        QCOMPARE(SettingsRegistry::value(Setting::SessionCannyRgb, "autosave").toBool(), true);
        QCOMPARE(SettingsRegistry::value(Setting::SessionSavedAt, "autosave").toDateTime().toSecsSinceEpoch(),
                 now.toSecsSinceEpoch());
        SettingsRegistry::moveGroup("autosave", "previousSession");
        QCOMPARE(SettingsRegistry::value(Setting::SessionCannyBlur, "previousSession").toDouble(), 2.5);
        QCOMPARE(SettingsRegistry::value(Setting::SessionCannyBlur, "autosave").toDouble(), sem::CannyParams{}.blurSigma);
        SettingsRegistry::remove(Setting::RecentFiles);
        QCOMPARE(SettingsRegistry::stringList(Setting::RecentFiles), QStringList());
    }

    // A hand-edited or corrupt settings file: each bad value reads as the default, no crash.
    void badValuesFallBackToTheDefault()
    {
        QSettings().clear();
        {
            QSettings s;
            s.setValue("decode/device", "tpu");
            s.setValue("decode/previewEvery", "often");
            s.setValue("autosave/canny/low", "abc");
            s.setValue("autosave/canny/l2", "maybe");
            s.setValue("autosave/hint/factor", QStringList{"1", "2"});
            s.setValue("autosave/savedAt", "yesterday");
        }
        QCOMPARE(SettingsRegistry::string(Setting::DecodeDevice), QString("auto"));
        QCOMPARE(SettingsRegistry::integer(Setting::DecodePreviewEvery), 5);
        QCOMPARE(SettingsRegistry::value(Setting::SessionCannyLow, "autosave").toDouble(), sem::CannyParams{}.low);
        QCOMPARE(SettingsRegistry::value(Setting::SessionCannyL2, "autosave").toBool(), sem::CannyParams{}.l2Gradient);
        QCOMPARE(SettingsRegistry::integer(Setting::SessionHintFactor, "autosave"), 0);
        QVERIFY(!SettingsRegistry::value(Setting::SessionSavedAt, "autosave").toDateTime().isValid());
        QSettings().setValue("decode/previewEvery", 1001);  // out of range
        QCOMPARE(SettingsRegistry::integer(Setting::DecodePreviewEvery), 5);
        // Variations: 1..kMaxVariations, anything else reads as 1.
        QVERIFY(SettingsRegistry::setValue(Setting::DecodeVariations, SettingsRegistry::kMaxVariations));
        QCOMPARE(SettingsRegistry::integer(Setting::DecodeVariations), SettingsRegistry::kMaxVariations);
        QVERIFY(!SettingsRegistry::setValue(Setting::DecodeVariations, 0));
        QVERIFY(!SettingsRegistry::setValue(Setting::DecodeVariations, SettingsRegistry::kMaxVariations + 1));
        QSettings().setValue("decode/variations", 10);
        QCOMPARE(SettingsRegistry::integer(Setting::DecodeVariations), 1);
        QSettings().setValue("decode/variations", "many");
        QCOMPARE(SettingsRegistry::integer(Setting::DecodeVariations), 1);
        // Refused values are not stored.
        QVERIFY(!SettingsRegistry::setValue(Setting::DecodeDevice, "tpu"));
        QVERIFY(!SettingsRegistry::setValue(Setting::DecodePreviewEvery, -1));
        QCOMPARE(QSettings().value("decode/device").toString(), QString("tpu"));  // left as it was
    }

    // Every settings key in ui/ and app/ is the registry's: no string literal naming one of its
    // keys, and no QSettings value/setValue/remove with a literal key, outside ui/settings/.
    void noLiteralKeyOutsideTheRegistry()
    {
        QStringList literals;
        for (const SettingSpec& s : SettingsRegistry::all())
            if (QByteArray(s.key).contains('/') || QByteArray(s.key).size() > 8)
                literals << QStringLiteral("\"%1\"").arg(QString::fromLatin1(s.key));
        literals << "\"autosave/" << "\"previousSession/";
        const QRegularExpression literalKey(
            QStringLiteral("\\.(value|setValue|remove|contains)\\(\\s*(QStringLiteral\\(|QLatin1String\\()?\""));
        int files = 0;
        for (const char* dir : {"ui", "app"}) {
            QDirIterator it(QStringLiteral(SEM_SOURCE_DIR) + '/' + dir, {"*.cpp", "*.h"}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                if (path.contains("/ui/settings/"))
                    continue;
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QString text = QString::fromUtf8(f.readAll());
                ++files;
                for (const QString& l : literals)
                    QVERIFY2(!text.contains(l), qPrintable(path + ": " + l));
                // Only QSettings objects have these calls with a literal key in this code base.
                if (text.contains("QSettings"))
                    QVERIFY2(!literalKey.match(text).hasMatch(), qPrintable(path));
            }
        }
        QVERIFY(files > 30);  // the tree was found
    }
};

QTEST_GUILESS_MAIN(TestSettingsRegistry)
#include "tst_settingsregistry.moc"

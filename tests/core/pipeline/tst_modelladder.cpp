// A decoder model's rate ladder (core/pipeline/ModelLadder.h): the ladder file's format and checks,
// where a model's ladder is found, and the fallback to the built-in model's ladder.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "core/common/Error.h"
#include "core/pipeline/ModelLadder.h"
#include "core/pipeline/RateLadder.h"

using namespace sem;

namespace {

const char* const kGood = R"({"format": "semcompress-ladder", "formatVersion": 1, "model_id": "c0cbc3ab12a40167",
  "measured_by": "semc eval run/data", "images": 71, "rungs": [
  {"point": "8:32:400", "bpp": 0.0055, "psnr": 17.28, "niqe": 11.5},
  {"point": "8:16:400", "bpp": 0.0090, "psnr": 18.11, "niqe": null},
  {"point": "8:8q20:400", "bpp": 0.0206, "psnr": 19.65}]})";

void write(const QString& path, const std::string& text)
{
    std::ofstream(path.toStdString(), std::ios::binary) << text;
}

// The error message of parsing `text`, or "" when it parses.
QString errorOf(const std::string& text)
{
    try {
        ModelLadder::parse(text, "m/ladder.json");
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    if (at == std::string::npos)
        throw std::logic_error("fixture: no '" + from + "'");
    return text.replace(at, from.size(), to);
}

}  // namespace

class TestModelLadder : public QObject {
    Q_OBJECT
private slots:
    void parsesAGoodFile()
    {
        const ModelLadder l = ModelLadder::parse(kGood, "m/ladder.json");
        QCOMPARE(l.rungs.size(), std::size_t(3));
        QCOMPARE(l.rungs[2].point.point(), std::string("8:8q20:400"));
        QCOMPARE(l.rungs[0].bpp, 0.0055);
        QCOMPARE(l.rungs[1].psnr, 18.11);
        QCOMPARE(l.rungs[0].niqe, 11.5);
        QVERIFY(std::isnan(l.rungs[1].niqe) && std::isnan(l.rungs[2].niqe));
        QCOMPARE(l.modelId, std::string("c0cbc3ab12a40167"));
        QCOMPARE(l.images, 71);
        QCOMPARE(l.file, std::string("m/ladder.json"));
        QVERIFY(!l.fallback);
        QCOMPARE(l.points().size(), std::size_t(3));
        // What serialize writes parses back to the same rungs.
        const ModelLadder back = ModelLadder::parse(ModelLadder::serialize(l.rungs, l.modelId, l.measuredBy, 71), "x");
        QCOMPARE(back.rungs.size(), l.rungs.size());
        for (std::size_t i = 0; i < l.rungs.size(); ++i) {
            QCOMPARE(back.rungs[i].point.point(), l.rungs[i].point.point());
            QCOMPARE(back.rungs[i].bpp, l.rungs[i].bpp);
        }
    }

    void refusesBadFiles_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QString("{\"format\": ") << "not valid JSON";
        QTest::newRow("array") << QString("[1, 2]") << "not a JSON object";
        QTest::newRow("empty file") << QString("") << "not valid JSON";
        QTest::newRow("format") << QString::fromStdString(replaced(kGood, "semcompress-ladder", "other"))
                                << "\"format\" is not \"semcompress-ladder\"";
        QTest::newRow("version") << QString::fromStdString(replaced(kGood, "\"formatVersion\": 1", "\"formatVersion\": 2"))
                                 << "\"formatVersion\" is not 1";
        QTest::newRow("no rungs") << QString(R"({"format": "semcompress-ladder", "formatVersion": 1})")
                                  << "\"rungs\" is missing";
        QTest::newRow("empty rungs") << QString(R"({"format": "semcompress-ladder", "formatVersion": 1, "rungs": []})")
                                     << "\"rungs\" is empty";
        QTest::newRow("bad point") << QString::fromStdString(replaced(kGood, "8:16:400", "8:17:400"))
                                   << "rung 2: '8:17:400' is not an operating point";
        QTest::newRow("two points") << QString::fromStdString(replaced(kGood, "8:16:400", "8:16,8:8"))
                                    << "rung 2: '8:16,8:8' is not one operating point";
        QTest::newRow("point not a string") << QString::fromStdString(replaced(kGood, "\"8:16:400\"", "816"))
                                            << "rung 2 has no \"point\" string";
        QTest::newRow("no bpp") << QString::fromStdString(replaced(kGood, "\"bpp\": 0.0090,", ""))
                                << "rung 2 has no \"bpp\"";
        QTest::newRow("psnr a string") << QString::fromStdString(replaced(kGood, "18.11", "\"18.11\""))
                                       << "rung 2: \"psnr\" is not a finite number";
        QTest::newRow("negative bpp") << QString::fromStdString(replaced(kGood, "0.0055", "-0.0055"))
                                      << "rung 1: \"bpp\" -0.0055 is outside (0, 64]";
        QTest::newRow("bpp not rising") << QString::fromStdString(replaced(kGood, "0.0090", "0.0050"))
                                        << "rung 2 (8:16:400) is not larger than the rung before it";
        QTest::newRow("psnr not rising") << QString::fromStdString(replaced(kGood, "18.11", "17.00"))
                                         << "rung 2 (8:16:400) has no higher PSNR than the rung before it";
        QTest::newRow("images") << QString::fromStdString(replaced(kGood, "\"images\": 71", "\"images\": -1"))
                                << "\"images\" is not a count";
        QTest::newRow("model id") << QString::fromStdString(replaced(kGood, "\"c0cbc3ab12a40167\"", "7"))
                                  << "\"model_id\" is not a string";
        QTest::newRow("rung not object") << QString::fromStdString(replaced(kGood, R"({"point": "8:8q20:400", "bpp": 0.0206, "psnr": 19.65})", "3"))
                                         << "rung 3 is not an object";
    }

    void refusesBadFiles()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const QString m = errorOf(text.toStdString());
        QVERIFY2(m.startsWith("ladder m/ladder.json: "), qPrintable(m));  // names the file
        QVERIFY2(m.contains(message), qPrintable(m));
        QVERIFY2(m.endsWith("."), qPrintable(m));
    }

    void loadChecksTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string missing = dir.filePath("none.json").toStdString();
        QVERIFY_THROWS_EXCEPTION(Error, ModelLadder::load(missing));
        write(dir.filePath("big.json"), std::string(2 << 20, ' '));
        try {
            ModelLadder::load(dir.filePath("big.json").toStdString());
            QFAIL("a 2 MB file was read as a ladder");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("larger than 1 MB"), e.what());
        }
        write(dir.filePath("l.json"), kGood);
        QCOMPARE(ModelLadder::load(dir.filePath("l.json").toStdString()).rungs.size(), std::size_t(3));
    }

    void ladderIsFoundWithTheModel()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        // A model folder (built-in or diffusers): FOLDER/ladder.json.
        QVERIFY(QDir().mkpath(dir.filePath("builtin")));
        QCOMPARE(ModelLadder::ladderPathFor(d + "/builtin"), d + "/builtin/ladder.json");
        // A single file: X.ladder.json beside it.
        write(dir.filePath("v1-5.safetensors"), "x");
        QCOMPARE(ModelLadder::ladderPathFor(d + "/v1-5.safetensors"), d + "/v1-5.ladder.json");
        // A model set: its "ladder" entry, relative to it; without one, STEM.ladder.json beside it.
        write(dir.filePath("set.json"), R"({"family": "sd1", "base": "v1-5.safetensors", "ladder": "ladders/sd.json"})");
        QCOMPARE(ModelLadder::ladderPathFor(d + "/set.json"), d + "/ladders/sd.json");
        write(dir.filePath("plain.json"), R"({"family": "sd1", "base": "v1-5.safetensors"})");
        QCOMPARE(ModelLadder::ladderPathFor(d + "/plain.json"), d + "/plain.ladder.json");
        write(dir.filePath("badset.json"), R"({"family": "sd1", "ladder": 3})");
        QVERIFY_THROWS_EXCEPTION(Error, ModelLadder::ladderPathFor(d + "/badset.json"));
    }

    void modelLadderOrTheBuiltInOne()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        QVERIFY(QDir().mkpath(dir.filePath("builtin")));
        write(dir.filePath("builtin/ladder.json"), kGood);
        // The model's own ladder.
        QDir().mkpath(dir.filePath("sd"));
        write(dir.filePath("sd/ladder.json"), replaced(kGood, "c0cbc3ab12a40167", "5d0000000000beef"));
        const ModelLadder own = ModelLadder::forModel(d + "/sd", d + "/builtin");
        QVERIFY(!own.fallback);
        QCOMPARE(own.modelId, std::string("5d0000000000beef"));
        QVERIFY(QString::fromStdString(own.describe()).startsWith("ladder: " + dir.filePath("sd/ladder.json")));
        // None: the built-in model's, and it says so.
        write(dir.filePath("other.safetensors"), "x");
        const ModelLadder other = ModelLadder::forModel(d + "/other.safetensors", d + "/builtin");
        QVERIFY(other.fallback);
        QCOMPARE(other.file, d + "/builtin/ladder.json");
        QCOMPARE(other.modelId, std::string("c0cbc3ab12a40167"));
        const QString note = QString::fromStdString(other.describe());
        QVERIFY2(note.startsWith("no ladder measured for this model; using the built-in model's"), qPrintable(note));
        QVERIFY2(note.contains(dir.filePath("other.ladder.json")), qPrintable(note));
        // The built-in model (empty path, or its own folder) is no fallback.
        QVERIFY(!ModelLadder::forModel("", d + "/builtin").fallback);
        QCOMPARE(ModelLadder::forModel("", d + "/builtin").rungs.size(), std::size_t(3));
        // No built-in model installed either: the compiled-in copy.
        const ModelLadder compiled = ModelLadder::forModel(d + "/other.safetensors", "");
        QVERIFY(compiled.fallback && compiled.file.empty());
        QCOMPARE(compiled.rungs.size(), RateLadder::rungs().size());
        // A bad ladder file is an error naming it, not a silent fallback; a missing model too.
        write(dir.filePath("sd/ladder.json"), "{");
        try {
            ModelLadder::forModel(d + "/sd", d + "/builtin");
            QFAIL("a broken ladder.json was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(dir.filePath("sd/ladder.json")), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, ModelLadder::forModel(d + "/nothing-here", d + "/builtin"));
    }
};

QTEST_GUILESS_MAIN(TestModelLadder)
#include "tst_modelladder.moc"

// Batch mode of `semc encode`, `decode`, `roundtrip` and `caption` (cli/batch) on a generated
// folder: nested good images, a corrupt image, a non-image file and an unreadable file. Every good
// file is done once, failures are reported, a rerun skips, shards 0..3 of 4 partition the set,
// Ctrl-C of the real binary leaves only complete outputs, and the caption batch keeps at most N
// requests in flight and pauses on 429 + Retry-After (a scripted server on 127.0.0.1).
#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <map>
#include <set>

#include "cli/CliRun.h"
#include "cli/batch/BatchInputs.h"
#include "cli/batch/RequestGate.h"
#include "core/caption/FakeHttpServer.h"
#include "diffusion/builtin/BuiltinEngine.h"

#ifndef Q_OS_WIN
#include <csignal>
#include <sys/types.h>
#include <unistd.h>
#endif
#ifdef Q_OS_LINUX
#include <linux/capability.h>
#include <sys/syscall.h>
#endif

using sem::cli::test::Run;
using sem::cli::test::semc;
using sem::test::FakeHttpServer;

namespace {

nlohmann::json parseJson(const Run& r)
{
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded())
        qWarning("not JSON: %s\nstderr: %s", r.out.c_str(), r.err.c_str());
    return j;
}

std::set<std::string> inputsWithStatus(const nlohmann::json& report, const std::string& status)
{
    std::set<std::string> s;
    for (const auto& item : report["items"])
        if (item["status"] == status)
            s.insert(item["input"].get<std::string>());
    return s;
}

// Every file under `dir`, relative, sorted.
QStringList filesUnder(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << QDir(dir).relativeFilePath(it.next());
    out.sort();
    return out;
}

// Root reads a chmod 000 file through CAP_DAC_OVERRIDE (CI runs as root): this process drops that
// capability and CAP_DAC_READ_SEARCH from its effective set, so that the file is unreadable to the
// in-process semc runs as it is to a user (child processes get them back when they exec). False
// where that cannot be done.
bool dropFileAccessOverride()
{
#ifdef Q_OS_LINUX
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0)
        return false;
    data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
    return ::syscall(SYS_capset, &header, data) == 0;
#else
    return false;
#endif
}

}  // namespace

class TestBatchCommands : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString model, in;
    QStringList good;  // relative paths of the good images
    int bad = 0;       // files that must fail
    bool unreadable = false;

    QString path(const QString& n) const { return dir.filePath(n); }
    // The good images encoded into enc/ (a no-op after encodeFolderThenRerunSkips: complete files are skipped).
    void ensureEncoded() { semc({"encode", in, "-o", path("enc"), "--hint", "8"}); }

private slots:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        qputenv("HOME", dir.path().toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", path("config").toLocal8Bit());
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + path("no-bus").toLocal8Bit());
        qunsetenv("OPENAI_API_KEY");
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, path("config"));

        sem::diffusion::ModelCard card;
        card.config = sem::diffusion::tinyModelConfig();
        card.vocabulary = {"a", "red", "box"};
        sem::diffusion::BuiltinEngine engine;
        engine.createRandom(card, 1, "cpu");
        model = path("model");
        engine.save(model.toStdString());

        in = path("in");
        good = {"a.png", "b.jpg", "sub/c.png", "sub/d.bmp", "sub/deeper/e.png", "sub/deeper/f.tif", "g.webp",
                "h.PNG"};
        for (int i = 0; i < good.size(); ++i) {
            cv::Mat img(48, 64, CV_8UC3, cv::Scalar(40 + 20 * i, 200 - 15 * i, 90));
            cv::rectangle(img, {8 + i, 6, 24, 20}, cv::Scalar(10, 10, 220), cv::FILLED);
            QVERIFY(QDir().mkpath(QFileInfo(in + "/" + good[i]).absolutePath()));
            QVERIFY(cv::imwrite((in + "/" + good[i]).toStdString(), img));
        }
        QFile corrupt(in + "/sub/corrupt.png");
        QVERIFY(corrupt.open(QIODevice::WriteOnly));
        corrupt.write("\x89PNG\r\n\x1a\n this is not an image at all");
        corrupt.close();
        bad = 1;
        QFile notes(in + "/notes.txt");  // not an image type: not part of a folder's batch
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("hello");
        notes.close();
#ifndef Q_OS_WIN
        // An unreadable file (chmod 000; as root, with the capability that bypasses it dropped).
        QVERIFY(cv::imwrite((in + "/sub/locked.png").toStdString(), cv::Mat(48, 64, CV_8UC3, cv::Scalar(1, 2, 3))));
        QVERIFY(QFile::setPermissions(in + "/sub/locked.png", QFileDevice::Permissions()));
        if (::geteuid() == 0 && !dropFileAccessOverride())
            qWarning("running as root and cannot drop CAP_DAC_OVERRIDE: no unreadable file in the batch");
        if (QFile probe(in + "/sub/locked.png"); !probe.open(QIODevice::ReadOnly)) {
            unreadable = true;
            ++bad;
        } else {
            QFile::setPermissions(in + "/sub/locked.png", QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            QVERIFY(QFile::remove(in + "/sub/locked.png"));
        }
#ifdef Q_OS_LINUX
        QVERIFY2(unreadable, "could not make an unreadable file");  // as a user, and as root without the override
#endif
#endif
    }
    void cleanupTestCase()
    {
        if (unreadable)
            QFile::setPermissions(in + "/sub/locked.png", QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    void inputsAreSortedShardedAndMirrored()
    {
        auto items = sem::cli::BatchInputs::expand({in}, sem::cli::BatchInputs::imageSuffixes());
        QCOMPARE(int(items.size()), good.size() + bad);
        for (std::size_t i = 1; i < items.size(); ++i)
            QVERIFY(QFileInfo(items[i - 1].input).absoluteFilePath() < QFileInfo(items[i].input).absoluteFilePath());
        sem::cli::BatchInputs::mapOutputs(items, "OUT", ".sem");
        for (const auto& item : items)
            if (item.relative == "sub/deeper/e.png")
                QCOMPARE(item.output, QStringLiteral("OUT/sub/deeper/e.sem"));
        // Two inputs with the same output: the second fails with the reason, the first is kept.
        std::vector<sem::cli::BatchItem> twins{{"x/a.png", "a.png", {}, {}}, {"y/a.jpg", "a.jpg", {}, {}}};
        sem::cli::BatchInputs::mapOutputs(twins, "OUT", ".sem");
        QVERIFY(twins[0].problem.empty());
        QVERIFY(QString::fromStdString(twins[1].problem).contains("x/a.png"));
        QCOMPARE(sem::cli::BatchInputs::parseShard("1/4"), std::make_pair(1, 4));
        for (const char* badShard : {"4/4", "-1/4", "1/0", "1", "a/b"})
            QVERIFY_THROWS_EXCEPTION(std::exception, sem::cli::BatchInputs::parseShard(badShard));
        QVERIFY(!sem::cli::BatchInputs::isBatch({in + "/a.png"}, path("x.sem")));
        QVERIFY(sem::cli::BatchInputs::isBatch({in}, path("x")));
        QVERIFY(sem::cli::BatchInputs::isBatch({"@list"}, path("x")));
        QVERIFY(sem::cli::BatchInputs::isBatch({in + "/a.png"}, path("newdir/")));
        QVERIFY(sem::cli::BatchInputs::isBatch({in + "/a.png"}, dir.path()));
    }

    void requestGateCapsInFlightPerMinuteAndPauses()
    {
        sem::cli::RequestGate gate(2, 3);
        QCOMPARE(gate.waitMs(0), 0);
        gate.started(0);
        gate.started(10);
        QCOMPARE(gate.waitMs(20), -1);  // two in flight
        gate.finished();
        QCOMPARE(gate.waitMs(20), 0);
        gate.started(30);
        gate.finished();
        QCOMPARE(gate.waitMs(40), 60'000 - 40);  // three started in this minute
        QCOMPARE(gate.waitMs(59'990), 10);
        QCOMPARE(gate.waitMs(60'000), 0);  // the start at 0 is a minute old
        gate.pauseUntil(70'000);
        gate.pauseUntil(65'000);  // an earlier end does not shorten the pause
        QCOMPARE(gate.waitMs(61'000), 9'000);
        QCOMPARE(gate.waitMs(70'000), 0);
    }

    void encodeFolderThenRerunSkips()
    {
        const QString out = path("enc");
        Run r = semc({"encode", in, "-o", out, "--jobs", "2", "--hint", "8", "--json", "--csv", path("enc.csv")});
        QCOMPARE(r.code, 1);  // some files failed
        nlohmann::json j = parseJson(r);
        QCOMPARE(j["files"].get<int>(), good.size() + bad);
        QCOMPARE(j["done"].get<int>(), good.size());
        QCOMPARE(j["failed"].get<int>(), bad);
        QVERIFY(j["mean_bpp"].get<double>() > 0);
        bool lockedReported = false;
        for (const auto& item : j["items"])
            if (item["status"] == "failed") {
                QVERIFY2(!item["error"].get<std::string>().empty(), item.dump().c_str());
                if (QString::fromStdString(item["input"].get<std::string>()).endsWith("locked.png")) {
                    QVERIFY2(item["error"].get<std::string>().find("Permission denied") != std::string::npos,
                             item.dump().c_str());
                    lockedReported = true;
                }
            }
        QCOMPARE(lockedReported, unreadable);
        QStringList expected;
        for (const QString& g : good) {
            const QFileInfo fi(g);
            expected << (fi.path() == "." ? QString() : fi.path() + "/") + fi.completeBaseName() + ".sem";
        }
        expected.sort();
        QCOMPARE(filesUnder(out), expected);  // mirrored, nothing partial, no temporary file left
        // One job or two: the same bytes.
        QCOMPARE(semc({"encode", in, "-o", path("enc1"), "--jobs", "1", "--hint", "8"}).code, 1);
        for (const QString& f : expected) {
            QFile a(out + "/" + f), b(path("enc1/") + f);
            QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
            QVERIFY2(a.readAll() == b.readAll(), qPrintable(f));
        }
        QVERIFY(QFile(path("enc.csv")).size() > 0);
        QFile csv(path("enc.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), good.size() + bad + 1);

        // The text summary names each failure and its reason.
        const QDateTime before = QFileInfo(out + "/a.sem").lastModified();
        r = semc({"encode", in, "-o", out, "--hint", "8"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.find("0 done, " + std::to_string(good.size()) + " skipped") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("failed: " + (in + "/sub/corrupt.png").toStdString()) != std::string::npos, r.out.c_str());
        QCOMPARE(QFileInfo(out + "/a.sem").lastModified(), before);
        // An @list: comments, empty lines, and a missing file that fails alone; --overwrite redoes the rest.
        QFile list(path("list.txt"));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write(("# two files and one that is not there\n" + in + "/a.png\n\n" + in + "/sub/c.png\n" + in
                    + "/no-such.png\n")
                       .toUtf8());
        list.close();
        r = semc({"encode", "@" + path("list.txt"), "-o", path("enc-list"), "--json"});
        QCOMPARE(r.code, 1);
        QCOMPARE(parseJson(r)["done"].get<int>(), 2);
        QCOMPARE(*inputsWithStatus(parseJson(r), "failed").begin(), (in + "/no-such.png").toStdString());
        QCOMPARE(filesUnder(path("enc-list")), QStringList({"a.sem", "c.sem"}));
        r = semc({"encode", "@" + path("list.txt"), "-o", path("enc-list"), "--overwrite", "--json"});
        QCOMPARE(parseJson(r)["done"].get<int>(), 2);
        QCOMPARE(parseJson(r)["skipped"].get<int>(), 0);
    }

    void shardsPartitionTheSet()
    {
        std::set<std::string> all;
        int total = 0;
        for (int i = 0; i < 4; ++i) {
            const Run r = semc({"encode", in, "-o", path("shards"), "--shard", QString("%1/4").arg(i), "--json"});
            const nlohmann::json j = parseJson(r);
            for (const auto& item : j["items"]) {
                all.insert(item["input"].get<std::string>());
                ++total;
            }
            QVERIFY(j["files"].get<int>() >= 2);
        }
        QCOMPARE(total, good.size() + bad);  // no file twice
        QCOMPARE(int(all.size()), good.size() + bad);
        QCOMPARE(filesUnder(path("shards")).size(), good.size());
    }

    void singleFileModeIsUnchanged()
    {
        Run r = semc({"encode", in + "/a.png", "-o", path("single.sem"), "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(parseJson(r).contains("chunks"));
        r = semc({"encode", in + "/a.png", "-o", path("single2.sem"), "--jobs", "2"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("batch mode") != std::string::npos, r.err.c_str());
        QVERIFY(!QFile::exists(path("single2.sem")));
    }

    void decodeAndRoundtripFolders()
    {
        // The good files' .sem, plus a broken .sem.
        ensureEncoded();
        QFile broken(path("enc/sub/broken.sem"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("SEMX not really");
        broken.close();
        Run r = semc({"decode", path("enc"), "-o", path("dec"), "--model", model, "--device", "cpu", "--steps", "2",
                      "--json"});
        QCOMPARE(r.code, 1);
        nlohmann::json j = parseJson(r);
        QCOMPARE(j["done"].get<int>(), good.size());
        QCOMPARE(j["failed"].get<int>(), 1);
        QCOMPARE(*inputsWithStatus(j, "failed").begin(), path("enc/sub/broken.sem").toStdString());
        QCOMPARE(filesUnder(path("dec")).size(), good.size());
        QCOMPARE(cv::imread(path("dec/sub/deeper/e.png").toStdString()).cols, 64);
        QVERIFY(QFile::remove(path("enc/sub/broken.sem")));

        r = semc({"roundtrip", in, "-o", path("rt"), "--model", model, "--device", "cpu", "--fidelity", "--hint", "8",
                  "--json"});
        QCOMPARE(r.code, 1);
        j = parseJson(r);
        QCOMPARE(j["done"].get<int>(), good.size());
        QCOMPARE(j["failed"].get<int>(), bad);
        QVERIFY(j["mean_psnr"].get<double>() > 5);
        QVERIFY(j["mean_ssim"].get<double>() > 0);
        QCOMPARE(filesUnder(path("rt")).size(), good.size());
        r = semc({"roundtrip", in, "-o", path("rt"), "--model", model, "--device", "cpu", "--fidelity", "--hint", "8"});
        QVERIFY2(r.out.find("0 done, " + std::to_string(good.size()) + " skipped") != std::string::npos, r.out.c_str());
    }

    void decodeBatchesFilesOfOneSize()
    {
        // Files of one size and settings go through the network together (--batch-images; on the
        // CPU the default is one at a time), and each image is the one its file gives alone, up to
        // float rounding. Relative folders mirror the tree under them.
        ensureEncoded();
        const QString mixed = path("mixed");
        QVERIFY(QDir().mkpath(mixed));
        QVERIFY(QFile::copy(path("enc/a.sem"), mixed + "/a.sem"));
        QVERIFY(QFile::copy(path("enc/sub/deeper/e.sem"), mixed + "/e.sem"));
        // c.sem records its own seed: each image of a batch keeps its own noise.
        QCOMPARE(semc({"roundtrip", in + "/sub/c.png", "-o", path("c-rt.png"), "--sem", mixed + "/c.sem", "--hint", "8",
                       "--seed", "7", "--steps", "1", "--model", model, "--device", "cpu"})
                     .code,
                 0);
        QVERIFY(cv::imwrite(path("small.png").toStdString(), cv::Mat(40, 40, CV_8UC3, cv::Scalar(20, 90, 200))));
        QCOMPARE(semc({"encode", path("small.png"), "-o", mixed + "/small.sem", "--hint", "8"}).code, 0);
        QFile broken(mixed + "/broken.sem");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("SEMX not really");
        broken.close();

        const QString cwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        const QStringList common{"--model", model, "--device", "cpu", "--steps", "3", "--strength", "1", "--sampler", "ddpm", "--json"};
        Run one = semc(QStringList{"decode", "mixed", "-o", "one/", "--batch-images", "1"} + common);
        Run four = semc(QStringList{"decode", "mixed", "-o", "four/", "--batch-images", "4"} + common);
        Run automatic = semc(QStringList{"decode", "mixed", "-o", "auto/"} + common);
        QVERIFY(QDir::setCurrent(cwd));
        QCOMPARE(one.code, 1);  // the broken file
        QCOMPARE(four.code, 1);
        const nlohmann::json j1 = parseJson(one), j4 = parseJson(four), ja = parseJson(automatic);
        QCOMPARE(j4["done"].get<int>(), 4);
        QCOMPARE(j4["failed"].get<int>(), 1);
        std::map<std::string, int> batchOf;
        for (const auto& item : j4["items"])
            if (item["status"] == "done")
                batchOf[QFileInfo(QString::fromStdString(item["input"].get<std::string>())).fileName().toStdString()] =
                    item["batch"].get<int>();
        QCOMPARE(batchOf["a.sem"], 3);
        QCOMPARE(batchOf["c.sem"], 3);
        QCOMPARE(batchOf["e.sem"], 3);
        QCOMPARE(batchOf["small.sem"], 1);
        for (const auto* j : {&j1, &ja})
            for (const auto& item : (*j)["items"])
                if (item["status"] == "done")
                    QCOMPARE(item["batch"].get<int>(), 1);  // CPU default: one at a time
        QCOMPARE(filesUnder(path("four")), (QStringList{"a.png", "c.png", "e.png", "small.png"}));
        for (const char* name : {"a.png", "c.png", "e.png", "small.png"}) {
            const cv::Mat a = cv::imread(path(QString("one/") + name).toStdString());
            const cv::Mat b = cv::imread(path(QString("four/") + name).toStdString());
            QVERIFY(!a.empty() && a.size() == b.size());
            cv::Mat diff;
            cv::absdiff(a, b, diff);
            double worst = 0;
            cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
            QVERIFY2(worst <= 1.0, name);
            QVERIFY(cv::mean(diff)[0] < 0.01);
        }
        const Run refused = semc({"decode", path("mixed/a.sem"), "-o", path("x.png"), "--batch-images", "2"});
        QVERIFY(refused.code != 0);
        QVERIFY2(refused.err.find("--batch-images is for batch mode") != std::string::npos, refused.err.c_str());
    }

    void ctrlCLeavesOnlyCompleteFilesAndARerunFinishes()
    {
#ifdef Q_OS_WIN
        QSKIP("sends SIGINT with kill()");
#else
        ensureEncoded();
        const QString out = path("dec-int");
        QProcess p;
        p.setProgram(SEMC_BINARY);
        const QStringList args{"decode", path("enc"), "-o", out, "--model", model, "--device", "cpu", "--steps", "60"};
        p.setArguments(args);
        QElapsedTimer started;
        started.start();
        p.start();
        QVERIFY(p.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("decode: 1/"), 120000);
        const qint64 firstFileMs = started.elapsed();
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        err += p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(err.contains("interrupted"), err.constData());
        const QStringList written = filesUnder(out);
        qInfo("first file done after %lld ms; %lld of %lld written when Ctrl-C took effect", firstFileMs,
              static_cast<long long>(written.size()), static_cast<long long>(good.size()));
        QVERIFY2(!written.isEmpty() && written.size() < good.size(), qPrintable(written.join(",")));
        for (const QString& f : written) {
            QVERIFY2(f.endsWith(".png"), qPrintable(f));  // no temporary file
            QCOMPARE(cv::imread((out + "/" + f).toStdString()).cols, 64);
        }
        // The same command again finishes the rest and skips what was done.
        QStringList again = args;
        again.replace(again.indexOf("60"), "2");
        const Run r = semc(again + QStringList{"--json"});
        QCOMPARE(r.code, 0);
        const nlohmann::json j = parseJson(r);
        QCOMPARE(j["skipped"].get<int>(), written.size());
        QCOMPARE(j["done"].get<int>(), good.size() - written.size());
        QCOMPARE(filesUnder(out).size(), good.size());
#endif
    }

    void captionBatchBoundsConcurrency()
    {
        FakeHttpServer server;
        for (int i = 0; i < good.size(); ++i)
            server.enqueue({FakeHttpServer::response(200, FakeHttpServer::completion("\"a red box\"")), 150, 0, false});
        const QString out = path("cap");
        Run r = semc({"caption", in, "-o", out, "--base-url", server.baseUrl(), "--jobs", "3", "--json"});
        QCOMPARE(r.code, 1);  // the corrupt and unreadable images fail before any request
        nlohmann::json j = parseJson(r);
        QCOMPARE(j["done"].get<int>(), good.size());
        QCOMPARE(j["failed"].get<int>(), bad);
        QCOMPARE(server.requests().size(), good.size());
        QCOMPARE(server.maxInFlight(), 3);
        QFile f(out + "/captions.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const nlohmann::json captions = nlohmann::json::parse(f.readAll().toStdString());
        QCOMPARE(int(captions.size()), good.size());
        QCOMPARE(captions["sub/deeper/e.png"]["caption"].get<std::string>(), std::string("a red box"));
        // The captions feed a batch encode.
        r = semc({"encode", in, "-o", path("cap-enc"), "--captions", out + "/captions.json", "--json"});
        QCOMPARE(r.code, 1);
        j = parseJson(r);
        QCOMPARE(j["done"].get<int>(), good.size());
        QCOMPARE(j["failed"].get<int>(), bad);
        const Run info = semc({"info", path("cap-enc/sub/deeper/e.sem"), "--json"});
        QCOMPARE(nlohmann::json::parse(info.out)["caption"].get<std::string>(), std::string("a red box"));
        r = semc({"encode", in + "/a.png", in + "/sub/c.png", "-o", path("cap-enc2"), "--captions",
                  out + "/captions.json", "--json"});
        QCOMPARE(r.code, 1);  // named directly, the key of sub/c.png is c.png: not in the file
        QVERIFY2(inputsWithStatus(parseJson(r), "failed").count((in + "/sub/c.png").toStdString()) == 1, r.out.c_str());
        QCOMPARE(semc({"encode", in + "/a.png", "-o", path("one.sem"), "--captions", out + "/captions.json"}).code, 1);
        // A rerun asks for nothing.
        r = semc({"caption", in, "-o", out, "--base-url", server.baseUrl(), "--jobs", "3", "--json"});
        QCOMPARE(parseJson(r)["skipped"].get<int>(), good.size());
        QCOMPARE(server.requests().size(), good.size());
        // Single-file mode is unchanged.
        server.enqueue(FakeHttpServer::response(200, FakeHttpServer::completion("\"one\"")));
        r = semc({"caption", in + "/a.png", "--base-url", server.baseUrl()});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, std::string("one\n"));
    }

    void captionBatchPausesOn429()
    {
        // The first request is answered 429 after 100 ms, the second (sent with it) 200 after 300 ms:
        // its free slot must not start a request until the Retry-After second has passed.
        FakeHttpServer server;
        server.enqueue({FakeHttpServer::response(429, R"({"error":{"message":"slow down"}})", "application/json",
                                                 {{"Retry-After", "1"}}),
                        100, 0, false});
        server.enqueue({FakeHttpServer::response(200, FakeHttpServer::completion("\"a box\"")), 300, 0, false});
        for (int i = 0; i < 3; ++i)
            server.enqueue({FakeHttpServer::response(200, FakeHttpServer::completion("\"a box\"")), 50, 0, false});
        const QStringList four{in + "/a.png", in + "/b.jpg", in + "/sub/c.png", in + "/sub/d.bmp"};
        const Run r = semc(QStringList{"caption"} + four
                           + QStringList{"-o", path("cap429"), "--base-url", server.baseUrl(), "--jobs", "2", "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(parseJson(r)["done"].get<int>(), 4);
        QVERIFY2(r.err.find("batch paused") != std::string::npos, r.err.c_str());
        const auto& requests = server.requests();
        QCOMPARE(requests.size(), 5);  // four captions and the retry
        const qint64 answered429 = requests.front().answeredMs;
        QVERIFY(answered429 >= 0);
        int after = 0;
        for (const auto& q : requests)
            if (q.receivedMs > answered429) {
                ++after;
                QVERIFY2(q.receivedMs - answered429 >= 900,
                         qPrintable(QString("a request %1 ms after the 429").arg(q.receivedMs - answered429)));
            }
        QVERIFY(after >= 3);  // the retry and the two not yet started
    }
};

QTEST_GUILESS_MAIN(TestBatchCommands)
#include "tst_batchcommands.moc"

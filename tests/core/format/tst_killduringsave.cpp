// "Kill the app during a save and the previous file is intact": a child process
// (sem_killduringsave_child, KillDuringSaveChild.cpp) saves through the program's real save functions
// — SemFile::save (QSaveFile; `semc encode -o` and the GUI's Save) and SafeTensors::write (the
// engine's "<path>.tmp" + rename) — and is SIGKILLed while it is stuck half-way through the write.
// The previous file must keep its exact bytes, and a file that did not exist must not appear.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "core/format/SemFile.h"

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// A small valid .sem: the "previous version" of the file.
QByteArray oldSem()
{
    sem::SemFile f;
    f.width = 33;
    f.height = 17;
    f.caption = std::vector<std::uint8_t>{0, 'o', 'l', 'd'};
    const auto bytes = f.serialize();
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()));
}

struct ChildRun {
    qint64 newBytes = -1;   // the size of the file the child was saving
    QByteArray output;      // everything it printed
    bool stalled = false;   // it reported being stuck in the middle of the write
    bool killed = false;    // it ended by our SIGKILL (QProcess::CrashExit)
    int exitCode = -1;
};

// Runs the child; with `stall` waits until it is stuck mid-write, then SIGKILLs it.
ChildRun runChild(const QString& mode, const QString& path, bool stall)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList args{mode, path};
    if (stall)
        args << "--stall";
    p.start(QStringLiteral(SEM_KILLDURINGSAVE_CHILD), args);
    ChildRun r;
    if (!p.waitForStarted(60000))
        return r;
    // Read until the child says it is stuck, or until it ends (the bound only guards a hang).
    while (!r.output.contains(stall ? "stalled\n" : "saved\n") && p.state() == QProcess::Running) {
        if (!p.waitForReadyRead(60000))
            break;
        r.output += p.readAllStandardOutput();
    }
    r.stalled = r.output.contains("stalled\n");
    if (stall && r.stalled)
        p.kill();  // SIGKILL while the save is in the middle of its write
    p.waitForFinished(60000);
    r.output += p.readAllStandardOutput();
    r.killed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    const int at = r.output.indexOf("bytes ");
    if (at >= 0)
        r.newBytes = r.output.mid(at + 6, r.output.indexOf('\n', at) - at - 6).toLongLong();
    return r;
}

}  // namespace

class TestKillDuringSave : public QObject {
    Q_OBJECT

private slots:
    void previousFileIsIntact_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("SemFile::save (semc encode, GUI Save)") << "sem";
        QTest::newRow("SafeTensors::write (model, checkpoint)") << "model";
    }

    void previousFileIsIntact()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(mode == "sem" ? "picture.sem" : "model.safetensors");
        const QByteArray old = oldSem();
        QVERIFY(writeAll(path, old));

        const ChildRun r = runChild(mode, path, true);
        QVERIFY2(r.stalled, r.output.constData());
        QVERIFY2(r.killed, r.output.constData());
        QVERIFY(r.newBytes > 2 * old.size());

        QCOMPARE(readAll(path), old);  // byte for byte the previous version
        const QByteArray bytes = readAll(path);
        QCOMPARE(sem::SemFile::parse(reinterpret_cast<const std::uint8_t*>(bytes.constData()),
                                     static_cast<std::size_t>(bytes.size()))
                     .width,
                 33);
        // Whatever else the killed save left in the folder is a temporary beside the file, at most
        // half written, never the file's own name.
        const QFileInfoList entries = QDir(dir.path()).entryInfoList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
        for (const QFileInfo& e : entries) {
            if (e.absoluteFilePath() == QFileInfo(path).absoluteFilePath())
                continue;
            QVERIFY2(e.size() <= r.newBytes / 2, qPrintable(e.fileName()));
        }
    }

    void newFileDoesNotAppear_data() { previousFileIsIntact_data(); }

    void newFileDoesNotAppear()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir;
        const QString path = dir.filePath(mode == "sem" ? "picture.sem" : "model.safetensors");
        const ChildRun r = runChild(mode, path, true);
        QVERIFY2(r.stalled && r.killed, r.output.constData());
        QVERIFY(!QFile::exists(path));
    }

    // The control: the same child without the stall replaces the file with the new one, so the
    // checks above would see a replaced or half-written file if the save were not atomic.
    void unhinderedSaveReplacesTheFile_data() { previousFileIsIntact_data(); }

    void unhinderedSaveReplacesTheFile()
    {
        QFETCH(QString, mode);
        QTemporaryDir dir;
        const QString path = dir.filePath(mode == "sem" ? "picture.sem" : "model.safetensors");
        QVERIFY(writeAll(path, oldSem()));
        const ChildRun r = runChild(mode, path, false);
        QVERIFY2(!r.killed && r.exitCode == 0 && r.output.contains("saved\n"), r.output.constData());
        QCOMPARE(QFileInfo(path).size(), r.newBytes);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestKillDuringSave)
#include "tst_killduringsave.moc"

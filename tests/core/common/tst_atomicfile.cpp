#include <QTemporaryDir>
#include <QtTest>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"

using namespace sem;

class TestAtomicFile : public QObject {
    Q_OBJECT
private slots:
    void writeThenRead()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.bin").toStdString();
        const std::vector<std::uint8_t> data{1, 2, 3, 250};
        writeFileAtomic(path, data);
        QCOMPARE(readFile(path, 100), data);
    }
    void replaceKeepsNoTemporaries()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.bin").toStdString();
        writeFileAtomic(path, {1});
        writeFileAtomic(path, {2, 3});
        QCOMPARE(readFile(path, 100), (std::vector<std::uint8_t>{2, 3}));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }
    void failedWriteLeavesOldFile()
    {
        QTemporaryDir dir;
        const std::string missingDir = dir.filePath("no/such/dir/a.bin").toStdString();
        QVERIFY_THROWS_EXCEPTION(Error, writeFileAtomic(missingDir, {1}));
    }
    void readLimit()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.bin").toStdString();
        writeFileAtomic(path, std::vector<std::uint8_t>(101, 7));
        QVERIFY_THROWS_EXCEPTION(Error, readFile(path, 100));
        QVERIFY_THROWS_EXCEPTION(Error, readFile(dir.filePath("missing").toStdString(), 100));
    }
};

QTEST_APPLESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"

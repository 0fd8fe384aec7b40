#include <QtTest>
#include <cstdint>

#include "core/common/Error.h"
#include "core/edges/EdgeContextTables.h"

using sem::ContextCoder;

class TestEdgeContextTables : public QObject {
    Q_OBJECT

private slots:
    // The tables are part of the .sem format: files coded with them decode only with exactly these
    // bytes. This checksum fails if anyone edits or refits them in place (a refit is a new profile).
    void tablesAreFrozen()
    {
        std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64 over the four tables
        for (const int d : {1, 2, 4, 8})
            for (const std::uint8_t v : sem::edgeContextTable(d)) {
                h ^= v;
                h *= 1099511628211ull;
            }
        QCOMPARE(h, std::uint64_t(0x1e600350c6ddd515ull));
    }

    void everyEntryIsAValidState()
    {
        for (const int d : {1, 2, 4, 8}) {
            const ContextCoder::Table& t = sem::edgeContextTable(d);
            QVERIFY(ContextCoder::valid(t));
            // Trained, not empty: the empty neighbourhood predicts "no edge" with a confident state.
            QCOMPARE(t[0] >> 7, 0);
            QVERIFY((t[0] & 0x7f) != 0);
        }
    }

    void unknownScalesAreRefused()
    {
        for (const int d : {0, 3, 16, -1})
            QVERIFY_THROWS_EXCEPTION(sem::Error, sem::edgeContextTable(d));
    }
};

QTEST_APPLESS_MAIN(TestEdgeContextTables)
#include "tst_edgecontexttables.moc"

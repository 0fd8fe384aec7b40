#include <QtTest>

#include "core/common/ByteIO.h"
#include "core/common/Error.h"

using namespace sem;

class TestByteIO : public QObject {
    Q_OBJECT
private slots:
    void varintRoundTrip()
    {
        const std::uint64_t values[] = {0, 1, 127, 128, 300, 16383, 16384, 0xFFFFFFFFull, ~0ull};
        ByteWriter w;
        for (auto v : values)
            w.varint(v);
        ByteReader r(w.data(), "test");
        for (auto v : values)
            QCOMPARE(r.varint(), v);
        QVERIFY(r.atEnd());
    }
    void varintSizes()
    {
        QCOMPARE(varintSize(0), std::size_t(1));
        QCOMPARE(varintSize(127), std::size_t(1));
        QCOMPARE(varintSize(128), std::size_t(2));
        QCOMPARE(varintSize(~0ull), std::size_t(10));
        ByteWriter w;
        w.varint(300);
        QCOMPARE(w.data(), (Bytes{0xAC, 0x02}));  // the LEB128 example from the spec
    }
    void fixedWidthLittleEndian()
    {
        ByteWriter w;
        w.u16(0x1234);
        w.u32(0xA1B2C3D4u);
        QCOMPARE(w.data(), (Bytes{0x34, 0x12, 0xD4, 0xC3, 0xB2, 0xA1}));
        ByteReader r(w.data(), "test");
        QCOMPARE(r.u16(), std::uint16_t(0x1234));
        QCOMPARE(r.u32(), 0xA1B2C3D4u);
    }
    void truncatedReadsThrowWithContext()
    {
        const Bytes b{0x80, 0x80};  // varint that never ends
        ByteReader r(b, "edge stream");
        try {
            r.varint();
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).startsWith("edge stream: data ends early"));
        }
        ByteReader r2(b, "x");
        QVERIFY_THROWS_EXCEPTION(Error, r2.take(3));
        QCOMPARE(r2.position(), std::size_t(0));
    }
    void overlongVarintRefused()
    {
        Bytes b(11, 0xFF);
        ByteReader r(b, "x");
        QVERIFY_THROWS_EXCEPTION(Error, r.varint());
        Bytes b2(9, 0xFF);
        b2.push_back(0x02);  // 10th byte carries bits beyond 64
        ByteReader r2(b2, "x");
        QVERIFY_THROWS_EXCEPTION(Error, r2.varint());
    }
    void rangeCheckNamesTheField()
    {
        ByteWriter w;
        w.varint(20000);
        ByteReader r(w.data(), ".sem");
        try {
            r.varintInRange(1, 16384, "image width");
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("image width is 20000"));
        }
    }
};

QTEST_APPLESS_MAIN(TestByteIO)
#include "tst_byteio.moc"

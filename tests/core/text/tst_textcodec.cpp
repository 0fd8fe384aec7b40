#include "core/common/Error.h"
#include "core/text/CaptionDictionary.h"
#include "core/text/CaptionDictionaryBuilder.h"
#include "core/text/TextCodec.h"

#include <QtTest>

#include <brotli/encode.h>
#include <zlib.h>

#include <atomic>
#include <cstdlib>
#include <new>

// Tracks the largest single operator-new allocation while `g_track` is set, so the bomb tests
// can check that decoding never allocates much more than the caption limit.
static std::atomic<bool> g_track{false};
static std::atomic<std::size_t> g_largest{0};

void* operator new(std::size_t n)
{
    if (g_track && n > g_largest)
        g_largest = n;
    if (void* p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using sem::TextCodec;
using Bytes = std::vector<std::uint8_t>;

namespace {

std::string decode(const Bytes& b) { return TextCodec::decode(b.data(), b.size()); }

bool decodeThrows(const Bytes& b)
{
    try {
        decode(b);
    } catch (const sem::Error& e) {
        return QString::fromUtf8(e.what()).startsWith("caption stream: ");
    }
    return false;
}

// Raw deflate of `s` with the shipped dictionary, as method 2 would produce it.
Bytes deflateWithDictionary(const std::string& s)
{
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(sem::kCaptionDictionary),
                         static_cast<uInt>(sem::kCaptionDictionarySize));
    Bytes out(deflateBound(&z, static_cast<uLong>(s.size())) + 1);
    out[0] = TextCodec::kMethodDeflateDict1;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = out.data() + 1;
    z.avail_out = static_cast<uInt>(out.size() - 1);
    const int rc = deflate(&z, Z_FINISH);
    out.resize(1 + z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : Bytes{};
}

Bytes brotliWithWindow(const std::string& s, int lgwin)
{
    Bytes out(BrotliEncoderMaxCompressedSize(s.size()) + 1);
    out[0] = TextCodec::kMethodBrotli;
    std::size_t n = out.size() - 1;
    if (!BrotliEncoderCompress(5, lgwin, BROTLI_MODE_GENERIC, s.size(), reinterpret_cast<const std::uint8_t*>(s.data()),
                               &n, out.data() + 1))
        return {};
    out.resize(1 + n);
    return out;
}

const std::vector<std::uint8_t> kMethods = {TextCodec::kMethodStored, TextCodec::kMethodBrotli,
                                            TextCodec::kMethodDeflateDict1};

}  // namespace

class TestTextCodec : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("ascii") << QByteArray("A dog runs through the grass with a red ball in its mouth .");
        QTest::newRow("accents") << QByteArray("Une fen\xc3\xaatre ouverte sur la mer, caf\xc3\xa9 cr\xc3\xa8me");
        QTest::newRow("cjk") << QByteArray("\xe4\xb8\x80\xe5\x8f\xaa\xe7\x8b\x97\xe5\x9c\xa8\xe8\x8d\x89\xe5\x9c\xb0\xe4\xb8\x8a");
        QTest::newRow("emoji") << QByteArray("sunset \xf0\x9f\x8c\x85 over \xf4\x8f\xbf\xbf the sea");
        QTest::newRow("one byte") << QByteArray("a");
    }
    void roundTrip()
    {
        QFETCH(QByteArray, text);
        const std::string s = text.toStdString();
        QVERIFY(TextCodec::isValidUtf8(s));
        QCOMPARE(decode(TextCodec::encode(s)), s);
        for (std::uint8_t m : kMethods) {
            const Bytes b = TextCodec::encodeWith(s, m);
            QCOMPARE(b.at(0), m);
            QCOMPARE(decode(b), s);
        }
    }

    void englishCaptionIsCompressed()
    {
        const std::string s = "A man in a blue shirt is standing on a rock near the water .";
        const Bytes b = TextCodec::encode(s);
        QCOMPARE(b.at(0), TextCodec::kMethodDeflateDict1);
        QVERIFY2(b.size() < s.size() / 2, qPrintable(QString::number(b.size())));
    }

    void incompressibleTextIsStored()
    {
        std::string s;
        for (int i = 0; i < 40; ++i)
            s += static_cast<char>('!' + (i * 37) % 90);
        const Bytes b = TextCodec::encode(s);
        QVERIFY(b.size() <= s.size() + 1);
        QCOMPARE(decode(b), s);
    }

    void empty()
    {
        QVERIFY(TextCodec::encode("").empty());
        QCOMPARE(TextCodec::decode(nullptr, 0), std::string());
        for (std::uint8_t m : kMethods)
            QCOMPARE(decode(TextCodec::encodeWith("", m)), std::string());
    }

    void exactlyAtLimit()
    {
        std::string s;
        for (std::size_t i = 0; s.size() < TextCodec::kMaxCaptionBytes; ++i)
            s += static_cast<char>('a' + (i * i + 7 * i) % 26);
        QCOMPARE(s.size(), TextCodec::kMaxCaptionBytes);
        QCOMPARE(decode(TextCodec::encode(s)), s);
        for (std::uint8_t m : kMethods)
            QCOMPARE(decode(TextCodec::encodeWith(s, m)), s);
    }

    void overLimitRefused()
    {
        const std::string s(TextCodec::kMaxCaptionBytes + 1, 'x');
        QVERIFY_THROWS_EXCEPTION(sem::Error, TextCodec::encode(s));
        Bytes stored(1 + s.size(), 'x');
        stored[0] = TextCodec::kMethodStored;
        QVERIFY(decodeThrows(stored));
        QVERIFY(decodeThrows(deflateWithDictionary(s)));
        QVERIFY(decodeThrows(brotliWithWindow(s, 24)));
    }

    void invalidUtf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("overlong 2") << QByteArray("a\xc0\xaf");
        QTest::newRow("overlong 3") << QByteArray("\xe0\x80\xaf");
        QTest::newRow("overlong 4") << QByteArray("\xf0\x80\x80\xaf");
        QTest::newRow("surrogate high") << QByteArray("\xed\xa0\x80");
        QTest::newRow("surrogate low") << QByteArray("x\xed\xbf\xbfy");
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80");
        QTest::newRow("F5 lead") << QByteArray("\xf5\x80\x80\x80");
        QTest::newRow("truncated 3") << QByteArray("ab\xe2\x82");
        QTest::newRow("truncated 4 at end") << QByteArray("\xf0\x9f\x8c");
        QTest::newRow("lone continuation") << QByteArray("a\x80");
        QTest::newRow("bad continuation") << QByteArray("\xc3\x28");
        QTest::newRow("FF") << QByteArray("\xff");
    }
    void invalidUtf8()
    {
        QFETCH(QByteArray, bytes);
        const std::string s = bytes.toStdString();
        QVERIFY(!TextCodec::isValidUtf8(s));
        QVERIFY_THROWS_EXCEPTION(sem::Error, TextCodec::encode(s));
        Bytes stored{TextCodec::kMethodStored};
        stored.insert(stored.end(), s.begin(), s.end());
        QVERIFY(decodeThrows(stored));
        QVERIFY(decodeThrows(deflateWithDictionary(s)));
    }

    void everyPrefix()
    {
        const std::string s = "Two children in red coats build a snowman next to a wooden fence \xe2\x9d\x84 .";
        for (std::uint8_t m : kMethods) {
            const Bytes full = TextCodec::encodeWith(s, m);
            for (std::size_t n = 1; n < full.size(); ++n) {
                const Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
                try {
                    const std::string got = decode(prefix);
                    // Only the stored method can decode a prefix: to the same prefix of the text.
                    QCOMPARE(m, TextCodec::kMethodStored);
                    QCOMPARE(got, s.substr(0, n - 1));
                } catch (const sem::Error&) {
                }
            }
            Bytes trailing = full;
            trailing.push_back(0);
            if (m != TextCodec::kMethodStored)
                QVERIFY(decodeThrows(trailing));
        }
    }

    void bitFlipsNeverCrash()
    {
        const std::string s = "A brown dog is running through the snow .";
        for (std::uint8_t m : {TextCodec::kMethodBrotli, TextCodec::kMethodDeflateDict1}) {
            const Bytes full = TextCodec::encodeWith(s, m);
            for (std::size_t bit = 8; bit < full.size() * 8; ++bit) {
                Bytes b = full;
                b[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
                try {
                    const std::string got = decode(b);
                    QVERIFY(TextCodec::isValidUtf8(got));
                    QVERIFY(got.size() <= TextCodec::kMaxCaptionBytes);
                } catch (const sem::Error&) {
                }
            }
        }
    }

    void unknownMethodRefused()
    {
        QVERIFY(decodeThrows(Bytes{0x7f, 'a', 'b'}));
        QVERIFY(decodeThrows(Bytes{0xff}));
        QVERIFY_THROWS_EXCEPTION(sem::Error, TextCodec::encodeWith("abc", 9));
    }

    void bombRefusedWithoutBigAllocation()
    {
        const std::string megabyte(1 << 20, 'a');
        const Bytes deflateBomb = deflateWithDictionary(megabyte);
        const Bytes brotliBomb = brotliWithWindow(megabyte, 24);
        const Bytes brotliSmallWindowBomb = brotliWithWindow(megabyte, 10);
        QVERIFY(!deflateBomb.empty() && deflateBomb.size() < 4096);
        QVERIFY(!brotliBomb.empty() && brotliBomb.size() < 4096);
        QVERIFY(!brotliSmallWindowBomb.empty() && brotliSmallWindowBomb.size() < 8192);
        for (const Bytes* bomb : {&deflateBomb, &brotliBomb, &brotliSmallWindowBomb}) {
            g_largest = 0;
            g_track = true;
            bool refused = false;
            try {
                decode(*bomb);
            } catch (const sem::Error& e) {
                const QString message = QString::fromUtf8(e.what());
                refused = message.contains("exceeds") || message.contains("more memory than a caption may use");
            }
            g_track = false;
            QVERIFY(refused);
            QVERIFY2(g_largest <= 2 * TextCodec::kMaxCaptionBytes, qPrintable(QString::number(g_largest)));
        }
    }

    void dictionaryBuilder()
    {
        const std::vector<std::string> captions = {"A dog runs on the beach .", "A dog runs on the grass .",
                                                   "Two dogs play on the beach .", "A cat sleeps on the sofa ."};
        const std::string d = sem::CaptionDictionaryBuilder::build(captions, 64);
        QVERIFY(!d.empty() && d.size() <= 64);
        QVERIFY(d.find(" on the") != std::string::npos);
        const std::string src = sem::CaptionDictionaryBuilder::toCppSource("a\"b\\c", "test");
        QVERIFY(src.find("\"a\\\"b\\\\c\"") != std::string::npos);
        QCOMPARE(sem::kCaptionDictionarySize, std::size_t(4096));
    }
};

QTEST_GUILESS_MAIN(TestTextCodec)
#include "tst_textcodec.moc"

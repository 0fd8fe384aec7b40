#include "core/hint/RangeCoder.h"

#include <QtTest>

#include <random>

using sem::BitModel;
using sem::RangeDecoder;
using sem::RangeEncoder;

namespace {

// Codes `bits` with one adaptive model per `contexts` slot and checks the round trip.
std::vector<std::uint8_t> roundTrip(const std::vector<int>& bits, int contexts, bool& same)
{
    std::vector<BitModel> enc(static_cast<std::size_t>(contexts));
    RangeEncoder e;
    for (std::size_t i = 0; i < bits.size(); ++i)
        e.encode(enc[i % enc.size()], bits[i]);
    std::vector<std::uint8_t> out = e.finish();
    std::vector<BitModel> dec(static_cast<std::size_t>(contexts));
    RangeDecoder d(out.data(), out.size());
    same = true;
    for (std::size_t i = 0; i < bits.size(); ++i)
        same = same && d.decode(dec[i % dec.size()]) == bits[i];
    return out;
}

}  // namespace

class TestRangeCoder : public QObject {
    Q_OBJECT
private slots:
    void emptyStream()
    {
        bool same = false;
        QVERIFY(roundTrip({}, 1, same).empty());
        QVERIFY(same);
    }

    void constantStreams()
    {
        for (int b : {0, 1}) {
            bool same = false;
            const auto out = roundTrip(std::vector<int>(5000, b), 1, same);
            QVERIFY(same);
            QVERIFY2(out.size() < 40, qPrintable(QString::number(out.size())));
        }
    }

    void skewedRandomBitsCompress()
    {
        std::mt19937 rng(1234);
        for (double p1 : {0.5, 0.1, 0.02}) {
            std::bernoulli_distribution dist(p1);
            std::vector<int> bits(20000);
            for (int& b : bits)
                b = dist(rng) ? 1 : 0;
            bool same = false;
            const auto out = roundTrip(bits, 3, same);
            QVERIFY(same);
            const double entropyBytes = 20000.0 / 8 * (-(p1 * std::log2(p1) + (1 - p1) * std::log2(1 - p1)));
            QVERIFY2(static_cast<double>(out.size()) < entropyBytes * 1.1 + 8,
                     qPrintable(QString("%1 bytes for %2 entropy").arg(out.size()).arg(entropyBytes)));
        }
    }

    void shortStreamsOfEveryLength()
    {
        std::mt19937 rng(7);
        for (int n = 1; n < 200; ++n) {
            std::vector<int> bits(static_cast<std::size_t>(n));
            for (int& b : bits)
                b = static_cast<int>(rng() & 1u);
            bool same = false;
            const auto out = roundTrip(bits, 2, same);
            QVERIFY2(same, qPrintable(QString::number(n)));
            QVERIFY(out.empty() || out.back() != 0);  // trailing zeros are never written
        }
    }

    void garbageInputDecodesWithoutCrashing()
    {
        std::mt19937 rng(99);
        std::vector<std::uint8_t> junk(64);
        for (auto& b : junk)
            b = static_cast<std::uint8_t>(rng());
        BitModel m;
        RangeDecoder d(junk.data(), junk.size());
        int ones = 0;
        for (int i = 0; i < 10000; ++i)
            ones += d.decode(m);
        QVERIFY(ones >= 0);
    }
};

QTEST_GUILESS_MAIN(TestRangeCoder)
#include "tst_rangecoder.moc"

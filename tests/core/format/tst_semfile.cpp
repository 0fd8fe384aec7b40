#include <QTemporaryDir>
#include <QtTest>
#include <random>
#include <zlib.h>

#include "core/common/Error.h"
#include "core/format/SemFile.h"

using namespace sem;

namespace {

SemFile sample()
{
    SemFile f;
    f.width = 768;
    f.height = 512;
    f.modelId = 0xDEADBEEF;
    f.decode.present = true;
    f.decode.sampler = DecodeSettings::Ddim;
    f.decode.steps = 25;
    f.decode.guidanceTenths = 35;
    f.decode.etaHundredths = 50;
    f.decode.seed = 123456;
    f.edges = std::vector<std::uint8_t>(300, 0xAB);
    f.caption = std::vector<std::uint8_t>{1, 2, 3, 4, 5};
    f.hint = std::vector<std::uint8_t>(40, 0x11);
    f.setMetadataJson(R"({"enc":"test","canny":{"low":100}})");
    return f;
}

QString errorOf(const std::vector<std::uint8_t>& bytes)
{
    try {
        SemFile::parse(bytes);
    } catch (const Error& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

}  // namespace

class TestSemFile : public QObject {
    Q_OBJECT
private slots:
    void roundTrip()
    {
        const SemFile f = sample();
        const auto bytes = f.serialize();
        const SemFile g = SemFile::parse(bytes);
        QCOMPARE(g.width, 768);
        QCOMPARE(g.height, 512);
        QCOMPARE(g.modelId, 0xDEADBEEFu);
        QVERIFY(g.decode == f.decode);
        QCOMPARE(*g.edges, *f.edges);
        QCOMPARE(*g.caption, *f.caption);
        QCOMPARE(*g.hint, *f.hint);
        QCOMPARE(g.metadataJson(), std::string(R"({"enc":"test","canny":{"low":100}})"));
        QCOMPARE(g.serialize(), bytes);
    }
    void overheadIsSmall()
    {
        SemFile f;
        f.width = 768;
        f.height = 512;
        f.edges = std::vector<std::uint8_t>(100, 1);
        const SemBreakdown b = f.breakdown();
        // magic 3 + version 1 + flags 1 + w 2 + h 2 + model id 1 + chunk header 2 + CRC 4
        QCOMPARE(b.container, std::size_t(16));
        QCOMPARE(b.total, std::size_t(116));
        QCOMPARE(f.bpp(), 116 * 8.0 / (768 * 512));
    }
    void decodeRecordRoomCoversAnyDecode()
    {
        SemFile f = sample();
        f.modelId = 0;
        f.decode = DecodeSettings{};
        const std::size_t before = f.serialize().size();
        const std::size_t room = f.decodeRecordRoom();
        // model id 1 -> 5 bytes, settings 0 -> 1 + steps 2 + guidance 2 + eta 1 + seed 5 + strength 1 bytes
        QCOMPARE(room, std::size_t(16));
        SemFile decoded = f;
        decoded.modelId = 0x647643c7u;
        decoded.decode.present = true;
        decoded.decode.seed = 2147483647u;
        QVERIFY(decoded.serialize().size() <= before + room);
        decoded.modelId = 0xFFFFFFFFu;
        decoded.decode.steps = 1000;
        decoded.decode.guidanceTenths = 300;
        decoded.decode.etaHundredths = 100;
        decoded.decode.seed = 0xFFFFFFFFu;
        decoded.decode.strengthPercent = 99;
        QCOMPARE(decoded.serialize().size(), before + room);
        QCOMPARE(decoded.decodeRecordRoom(), std::size_t(0));
        QVERIFY(sample().decodeRecordRoom() < room);  // a file with a record has less room to grow
    }
    // A strength below 100 % is bit 5 of the sampler byte plus a varint after the seed; 100 % (from
    // noise) writes neither, so the files of earlier versions read as before.
    void decodeStrength()
    {
        SemFile f;
        f.width = 10;
        f.height = 10;
        f.decode.present = true;
        const std::size_t full = f.serialize().size();
        QCOMPARE(int(f.serialize()[8]), int(DecodeSettings::DpmPp2M));
        f.decode.strengthPercent = 35;
        auto bytes = f.serialize();
        QCOMPARE(bytes.size(), full + 1);
        QCOMPARE(int(bytes[8]), int(DecodeSettings::DpmPp2M) | 0x20);
        QCOMPARE(int(bytes[13]), 35);  // after steps, guidance, eta and seed (one byte each here)
        QCOMPARE(SemFile::parse(bytes).decode.strengthPercent, 35u);
        QVERIFY(SemFile::parse(bytes).decode == f.decode);
        auto v = bytes;
        v[13] = 100;  // "partial" must be below 100 %
        QVERIFY(errorOf(v).contains("decode strength"));
        v[13] = 0;
        QVERIFY(errorOf(v).contains("decode strength"));
        v = bytes;
        v[8] |= 0x80;
        QVERIFY(errorOf(v).contains("unknown sampler code"));
        for (const std::uint32_t bad : {0u, 101u}) {
            f.decode.strengthPercent = bad;
            QVERIFY_THROWS_EXCEPTION(Error, f.serialize());
        }
    }
    // A Stable Diffusion record: bit 6 of the sampler byte, then the family, control scale, working
    // size / 8 and an options byte after the strength; the samplers of one family are refused in
    // the other's record.
    void stableDiffusionSettings()
    {
        SemFile f;
        f.width = 10;
        f.height = 10;
        f.decode.present = true;
        const std::size_t builtIn = f.serialize().size();
        f.decode.family = DecodeSettings::StableDiffusion1;
        f.decode.sampler = DecodeSettings::Euler;
        f.decode.guidanceTenths = 75;
        f.decode.strengthPercent = 70;
        f.decode.controlScaleHundredths = 120;
        f.decode.workSize = 512;
        f.decode.colourFix = false;
        f.decode.karras = true;
        const auto bytes = f.serialize();
        QCOMPARE(bytes.size(), builtIn + 1 + 4);  // strength; family, scale, size / 8, options
        QCOMPARE(int(bytes[8]), int(DecodeSettings::Euler) | 0x20 | 0x40);
        QCOMPARE(int(bytes[14]), int(DecodeSettings::StableDiffusion1));
        const SemFile back = SemFile::parse(bytes);
        QVERIFY(back.decode == f.decode);
        QCOMPARE(back.decode.workSize, 512u);
        QCOMPARE(back.decode.controlScaleHundredths, 120u);
        QVERIFY(!back.decode.colourFix && back.decode.karras);
        auto v = bytes;
        v[14] = 2;
        QVERIFY(errorOf(v).contains("unknown model family"));
        v = bytes;
        v[16] = 0;  // working size / 8 below 8
        QVERIFY(errorOf(v).contains("working size"));
        v = bytes;
        v[17] |= 0x04;
        QVERIFY(errorOf(v).contains("unknown Stable Diffusion options"));
        v = bytes;
        v[8] = static_cast<std::uint8_t>((v[8] & 0xF0) | DecodeSettings::Ddpm);
        QVERIFY(errorOf(v).contains("not one of the model family's"));
        // Euler in a built-in record.
        SemFile b;
        b.width = 10;
        b.height = 10;
        b.decode.present = true;
        auto plain = b.serialize();
        plain[8] = DecodeSettings::Euler;
        QVERIFY(errorOf(plain).contains("not one of the model family's"));
        // Out-of-range settings are not written.
        f.decode.workSize = 500;
        QVERIFY_THROWS_EXCEPTION(Error, f.serialize());
        // Room for a Stable Diffusion record is larger than for a built-in one.
        QVERIFY(b.decodeRecordRoom(DecodeSettings::StableDiffusion1) > b.decodeRecordRoom());
    }
    void breakdownAddsUp()
    {
        const SemFile f = sample();
        const SemBreakdown b = f.breakdown();
        QCOMPARE(b.total, f.serialize().size());
        QCOMPARE(b.edges + b.caption + b.hint + b.metadata + b.container + b.other, b.total);
        QCOMPARE(b.edges, std::size_t(300));
    }
    void everyPrefixIsRefused()
    {
        const auto bytes = sample().serialize();
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            const std::vector<std::uint8_t> part(bytes.begin(), bytes.begin() + long(n));
            QVERIFY2(!errorOf(part).isEmpty(), qPrintable(QString("prefix %1 accepted").arg(n)));
        }
    }
    void everySingleBitFlipIsRefused()
    {
        const auto bytes = sample().serialize();
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                auto c = bytes;
                c[i] ^= std::uint8_t(1 << bit);
                QVERIFY2(!errorOf(c).isEmpty(), qPrintable(QString("flip at %1.%2 accepted").arg(i).arg(bit)));
            }
        }
    }
    void randomGarbageNeverCrashes()
    {
        std::mt19937 rng(7);
        const auto bytes = sample().serialize();
        for (int i = 0; i < 2000; ++i) {
            auto c = bytes;
            const int flips = 1 + int(rng() % 8);
            for (int k = 0; k < flips; ++k)
                c[rng() % c.size()] = std::uint8_t(rng());
            c.resize(rng() % (c.size() + 1));
            errorOf(c);  // must return (error or not), never crash
        }
    }
    void clearMessages()
    {
        auto bytes = sample().serialize();
        QVERIFY(errorOf({'P', 'N', 'G', 1, 2, 3, 4, 5, 6}).contains("not a SemCompress file"));
        auto v = bytes;
        v[3] = 9;
        QVERIFY(errorOf(v).contains("unsupported format version 9"));
        auto flipped = bytes;
        flipped[bytes.size() / 2] ^= 0x40;
        QVERIFY(errorOf(flipped).contains("checksum mismatch"));
    }
    void limitsCheckedBeforeAllocation()
    {
        SemFile f;
        f.width = 20000;
        f.height = 10;
        QVERIFY_THROWS_EXCEPTION(Error, f.serialize());
        // Hand-built header declaring 16384 x 16384 (over 100 MP) with a valid CRC.
        SemFile ok;
        ok.width = 16384;
        ok.height = 6000;
        auto bytes = ok.serialize();  // 98 MP: fine
        QVERIFY(errorOf(bytes).isEmpty());
        // 16384 x 16384 = 268 MP: refused by the header check, before the CRC and any chunk.
        std::vector<std::uint8_t> bomb{'S', 'E', 'M', 1, 0, 0x80, 0x80, 0x01, 0x80, 0x80, 0x01, 0, 0, 0, 0, 0};
        QVERIFY(errorOf(bomb).contains("exceeds the limit of 100000000 pixels"));
        std::vector<std::uint8_t> wide{'S', 'E', 'M', 1, 0, 0x81, 0x80, 0x01, 1, 0, 0, 0, 0, 0};  // 16385 wide
        QVERIFY(errorOf(wide).contains("image width is 16385"));
        // A chunk that declares more bytes than the limit is refused by its length field.
        std::vector<std::uint8_t> big{'S', 'E', 'M', 1, 0, 10, 10, 0, 0x01, 0xFF, 0xFF, 0xFF, 0x7F};
        QVERIFY(!errorOf(big).isEmpty());
    }
    void unknownChunks()
    {
        SemFile f = sample();
        f.unknownOptional.push_back({0x90, {9, 9, 9}});
        const SemFile g = SemFile::parse(f.serialize());
        QCOMPARE(g.unknownOptional.size(), std::size_t(1));
        QCOMPARE(g.unknownOptional[0].payload, (std::vector<std::uint8_t>{9, 9, 9}));
        QCOMPARE(g.breakdown().other, std::size_t(3));
        // An unknown critical chunk (bit 7 clear) is refused.
        SemFile h = sample();
        h.unknownOptional.push_back({0x10, {1}});
        QVERIFY(errorOf(h.serialize()).contains("unknown critical chunk type 16"));
    }
    void duplicateChunkRefused()
    {
        SemFile f;
        f.width = 10;
        f.height = 10;
        f.unknownOptional.push_back({0x01, {1}});
        f.edges = std::vector<std::uint8_t>{2};
        QVERIFY(errorOf(f.serialize()).contains("duplicate edges chunk"));
    }
    void shortMetadataIsStoredPlain()
    {
        SemFile f = sample();
        f.setMetadataJson(R"({"enc":"semc 0.1.0"})");
        QCOMPARE((*f.metadata)[0], std::uint8_t(0));
        QCOMPARE(f.metadata->size(), std::size_t(21));
        QCOMPARE(f.metadataJson(), std::string(R"({"enc":"semc 0.1.0"})"));
    }
    void metadataBombRefused()
    {
        SemFile f = sample();
        f.setMetadataJson(std::string(SemFile::kMaxMetadataBytes, ' '));
        QCOMPARE(f.metadataJson().size(), SemFile::kMaxMetadataBytes);
        QVERIFY_THROWS_EXCEPTION(Error, f.setMetadataJson(std::string(SemFile::kMaxMetadataBytes + 1, ' ')));
        // Forge a metadata payload that inflates beyond the limit.
        SemFile g = sample();
        SemFile big = sample();
        big.setMetadataJson(std::string(SemFile::kMaxMetadataBytes, 'a'));
        std::vector<std::uint8_t> huge = *big.metadata;
        g.metadata = huge;
        QCOMPARE(g.metadataJson().size(), SemFile::kMaxMetadataBytes);
        g.metadata = std::vector<std::uint8_t>{1, 0x78, 0x9c, 1, 2, 3};
        QVERIFY_THROWS_EXCEPTION(Error, g.metadataJson());
        g.metadata = std::vector<std::uint8_t>{7, '{', '}'};
        QVERIFY_THROWS_EXCEPTION(Error, g.metadataJson());
        // A zlib stream that inflates past the limit (a bomb) is refused while inflating.
        SemFile h = sample();
        h.setMetadataJson(std::string(SemFile::kMaxMetadataBytes, 'a'));
        QCOMPARE((*h.metadata)[0], std::uint8_t(1));
        // Re-compress twice the limit by hand.
        std::string twice(2 * SemFile::kMaxMetadataBytes, 'a');
        uLongf n = compressBound(uLong(twice.size()));
        std::vector<std::uint8_t> z(n + 1);
        z[0] = 1;
        QCOMPARE(compress2(z.data() + 1, &n, reinterpret_cast<const Bytef*>(twice.data()), uLong(twice.size()), 9), Z_OK);
        z.resize(n + 1);
        h.metadata = z;
        QVERIFY_THROWS_EXCEPTION(Error, h.metadataJson());
    }
    void saveAndLoad()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.sem").toStdString();
        sample().save(path);
        QCOMPARE(SemFile::load(path).serialize(), sample().serialize());
        QVERIFY_THROWS_EXCEPTION(Error, SemFile::load(dir.filePath("missing.sem").toStdString()));
    }
};

QTEST_APPLESS_MAIN(TestSemFile)
#include "tst_semfile.moc"

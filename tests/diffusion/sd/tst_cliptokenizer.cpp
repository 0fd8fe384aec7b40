// The CLIP tokenizer (diffusion/sd/ClipTokenizer) against the reference — transformers'
// CLIPTokenizer with ftfy, loaded with from_pretrained as diffusers does — id for id: the reference's
// own 15 vectors, our captions (fixtures/clip_captions.json, tests/diffusion/sd/reference/
// clip_tokenizer_fixtures.py), 500 captions of the shared data set when it is present; both loaders
// (openai's .gz and a diffusers folder written here from it) agree; bad files are refused by name.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ClipCharTable.h"
#include "diffusion/sd/ClipTokenizer.h"

using sem::diffusion::sd::ClipTokenizer;

namespace {

const QString kSource = QStringLiteral(SEM_SOURCE_DIR);
const QString kGz = kSource + "/models/clip/bpe_simple_vocab_16e6.txt.gz";

QJsonDocument readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll());
}

std::vector<int> toIds(const QJsonArray& a) {
    std::vector<int> ids;
    for (const QJsonValue& v : a)
        ids.push_back(v.toInt());
    return ids;
}

QString show(const std::vector<int>& ids) {
    QStringList s;
    for (int i : ids)
        s << QString::number(i);
    return s.join(' ');
}

std::string gunzip(const QByteArray& gz) {
    z_stream zs{};
    inflateInit2(&zs, 16 + MAX_WBITS);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.constData()));
    zs.avail_in = static_cast<uInt>(gz.size());
    std::string out;
    char buf[65536];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
    }
    inflateEnd(&zs);
    return out;
}

std::string gzip(const std::string& text) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    std::string out(deflateBound(&zs, static_cast<uLong>(text.size())), '\0');
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

// openai's bytes_to_unicode(), written again here (independently of the library's) for the files
// this test builds.
std::vector<std::string> byteSymbols() {
    std::vector<int> bs;
    for (int b = '!'; b <= '~'; ++b)
        bs.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b)
        bs.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b)
        bs.push_back(b);
    std::vector<int> cs = bs;
    for (int b = 0, n = 0; b < 256; ++b)
        if (std::find(bs.begin(), bs.end(), b) == bs.end()) {
            bs.push_back(b);
            cs.push_back(256 + n++);
        }
    std::vector<std::string> out;
    for (int c : cs)
        out.push_back(QString(QChar(c)).toUtf8().toStdString());
    return out;
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

// vocab.json and merges.txt (HF format) of a list of merges, vocabulary as simple_tokenizer.py builds it.
struct HfFiles {
    std::string vocab, merges;
};
HfFiles hfFiles(const std::vector<std::string>& mergeLines) {
    std::vector<std::string> list = byteSymbols();
    const std::size_t n = list.size();
    for (std::size_t i = 0; i < n; ++i)
        list.push_back(list[i] + "</w>");
    for (const std::string& m : mergeLines) {
        std::string joined = m;
        joined.erase(std::remove(joined.begin(), joined.end(), ' '), joined.end());
        list.push_back(joined);
    }
    list.emplace_back("<|startoftext|>");
    list.emplace_back("<|endoftext|>");
    HfFiles f;
    f.vocab = "{";
    for (std::size_t i = 0; i < list.size(); ++i)
        f.vocab += (i ? "," : "") + jsonString(list[i]) + ":" + std::to_string(i);
    f.vocab += "}";
    f.merges = "#version: 0.2\n";
    for (const std::string& m : mergeLines)
        f.merges += m + "\n";
    return f;
}

void writeFile(const QString& path, const std::string& data) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data.data(), static_cast<qint64>(data.size()));
}

}  // namespace

class TestClipTokenizer : public QObject {
    Q_OBJECT

    std::unique_ptr<ClipTokenizer> gz_;
    std::string bpeText_;

    // expect the loader to throw an Error whose message contains `part`
    template <typename F>
    void refuses(F load, const char* part) {
        try {
            load();
        } catch (const sem::diffusion::Error& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith("clip tokenizer: ") && message.contains(QString::fromUtf8(part)),
                     qPrintable(message + " (expected: " + part + ")"));
            return;
        }
        QFAIL(qPrintable(QString("accepted; expected an error with: ") + part));
    }

private slots:
    void initTestCase() {
        gz_ = std::make_unique<ClipTokenizer>(ClipTokenizer::fromBpeGz(kGz.toStdString()));
        QFile f(kGz);
        QVERIFY(f.open(QIODevice::ReadOnly));
        bpeText_ = gunzip(f.readAll());
        QVERIFY(bpeText_.size() > 1000000);
    }

    void vocabularyAndSpecialIds() {
        QCOMPARE(gz_->vocabSize(), 49408);
        QCOMPARE(gz_->bosId(), 49406);
        QCOMPARE(gz_->eosId(), 49407);
        QCOMPARE(gz_->padId(), 49407);
        QCOMPARE(gz_->maxLength(), 77);
        const std::vector<int> ids = gz_->encode("a photo of a cat");
        QCOMPARE(ids.size(), std::size_t(77));
        const std::vector<int> head(ids.begin(), ids.begin() + 8);
        QCOMPARE(head, (std::vector<int>{49406, 320, 1125, 539, 320, 2368, 49407, 49407}));
        QCOMPARE(gz_->encode("a photo of a cat", false), (std::vector<int>{49406, 320, 1125, 539, 320, 2368, 49407}));
        QCOMPARE(gz_->tokenize("a photo of a cat"), (std::vector<int>{320, 1125, 539, 320, 2368}));
    }

    // The BMP's per-character array gives what the sorted tables give, for every code point (the
    // planes above read the tables: checked too, as the same function serves them).
    void characterTableAgreesWithTheTables() {
        using sem::diffusion::sd::clip_tables::ClipCharTable;
        const ClipCharTable::Flag flags[] = {ClipCharTable::kIsRegexSpace, ClipCharTable::kIsPySpace,
                                             ClipCharTable::kIsCased, ClipCharTable::kIsCaseIgnorable,
                                             ClipCharTable::kIsNfcUnsafe, ClipCharTable::kDecomposes,
                                             ClipCharTable::kComposesFirst};
        int counts[7] = {};
        for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
            if (ClipCharTable::charClass(cp) != ClipCharTable::searchCharClass(cp) ||
                ClipCharTable::combiningClass(cp) != ClipCharTable::searchCombiningClass(cp))
                QFAIL(qPrintable(QString("class or combining class of U+%1").arg(uint(cp), 4, 16, QChar('0'))));
            for (int f = 0; f < 7; ++f) {
                const bool has = ClipCharTable::has(cp, flags[f]);
                if (has != ClipCharTable::searchHas(cp, flags[f]))
                    QFAIL(qPrintable(QString("flag %1 of U+%2").arg(int(flags[f])).arg(uint(cp), 4, 16, QChar('0'))));
                counts[f] += has;
            }
        }
        // each property is held by some characters and not by all
        for (int f = 0; f < 7; ++f)
            QVERIFY2(counts[f] > 0 && counts[f] < 0x110000, qPrintable(QString::number(flags[f])));
        QCOMPARE(ClipCharTable::charClass(U'a'), 1);
        QCOMPARE(ClipCharTable::combiningClass(0x301), 230);
        QVERIFY(ClipCharTable::has(0xE9, ClipCharTable::kDecomposes));
        QVERIFY(ClipCharTable::has(U'e', ClipCharTable::kComposesFirst));
        QVERIFY(ClipCharTable::has(0x3000, ClipCharTable::kIsRegexSpace));
    }

    void referenceVectors() {
        const QJsonArray cases = readJson(kSource + "/tests/diffusion/sd/fixtures/tokenizer_vectors.json").array();
        QCOMPARE(cases.size(), 15);
        for (const QJsonValue& c : cases) {
            const QString text = c["text"].toString();
            const std::vector<int> want = toIds(c["ids"].toArray());
            const std::vector<int> got = gz_->encode(text.toUtf8().toStdString(), false);
            QVERIFY2(got == want, qPrintable(text + "\n got  " + show(got) + "\n want " + show(want)));
        }
    }

    void ourCaptions() {
        const QJsonObject doc = readJson(kSource + "/tests/diffusion/sd/fixtures/clip_captions.json").object();
        const QJsonArray cases = doc["captions"].toArray();
        QVERIFY(cases.size() >= 60);
        int truncated = 0;
        for (const QJsonValue& c : cases) {
            const QString text = c["text"].toString();
            const std::string utf8 = text.toUtf8().toStdString();
            const std::vector<int> want = toIds(c["ids"].toArray());
            const std::vector<int> got = gz_->tokenize(utf8);
            QVERIFY2(std::vector<int>(want.begin() + 1, want.end() - 1) == got,
                     qPrintable(text + "\n got  " + show(got) + "\n want " + show(want)));
            std::vector<int> padded = c.toObject().contains("padded") ? toIds(c["padded"].toArray()) : want;
            if (c.toObject().contains("padded"))
                ++truncated;
            const std::vector<int> unpadded = padded;
            padded.resize(77, 49407);
            QCOMPARE(gz_->encode(utf8), padded);
            QCOMPARE(gz_->encode(utf8, false), unpadded);
        }
        QVERIFY(truncated >= 2);
    }

    void invalidUtf8IsReplacedAsPythonDoes() {
        // the bytes decode (errors="replace") to "a\ufffdb\ufffd\ufffdc", a caption of the fixture
        const std::vector<int> want = gz_->encode("a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c");
        QCOMPARE(gz_->encode("a\xFF" "b\xE2\x82\xF0" "c"), want);
        std::string nine;  // C0, AF, ED, A0, 80, F4, 90, 80, 80: nine replacements in Python
        for (int i = 0; i < 9; ++i)
            nine += "\xEF\xBF\xBD";
        QCOMPARE(gz_->encode("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80"), gz_->encode(nine));
        QCOMPARE(gz_->encode("x\xF0\x9F\x98"), gz_->encode("x\xEF\xBF\xBD"));  // a truncated emoji: one
        const std::string nul("a\0b", 3);  // a NUL is a control character ftfy removes
        QCOMPARE(gz_->encode(nul), gz_->encode("ab"));
    }

    void truncationKeepsTheEndToken() {
        std::string longText;
        for (int i = 0; i < 100; ++i)
            longText += "cat ";
        const std::vector<int> ids = gz_->encode(longText);
        QCOMPARE(ids.size(), std::size_t(77));
        QCOMPARE(ids.front(), 49406);
        QCOMPARE(ids.back(), 49407);
        QCOMPARE(ids[75], 2368);
        QCOMPARE(gz_->tokenize(longText).size(), std::size_t(100));
        ClipTokenizer tok = ClipTokenizer::fromBpeGz(kGz.toStdString());
        tok.setMaxLength(5);
        QCOMPARE(tok.encode(longText), (std::vector<int>{49406, 2368, 2368, 2368, 49407}));
        QCOMPARE(tok.encode(""), (std::vector<int>{49406, 49407, 49407, 49407, 49407}));
        refuses([&] { tok.setMaxLength(1); }, "out of range");
    }

    void bothLoadersAgree() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // the diffusers folder made from the .gz, as the reference script makes it
        std::vector<std::string> merges;
        std::size_t pos = bpeText_.find('\n') + 1;
        while (merges.size() < 48894) {
            const std::size_t nl = bpeText_.find('\n', pos);
            merges.push_back(bpeText_.substr(pos, nl - pos));
            pos = nl + 1;
        }
        const HfFiles files = hfFiles(merges);
        writeFile(dir.filePath("vocab.json"), files.vocab);
        writeFile(dir.filePath("merges.txt"), files.merges);
        ClipTokenizer folder = ClipTokenizer::fromFolder(dir.path().toStdString());
        QCOMPARE(folder.vocabSize(), 49408);
        QCOMPARE(folder.padId(), 49407);
        const QJsonObject doc = readJson(kSource + "/tests/diffusion/sd/fixtures/clip_captions.json").object();
        for (const QJsonValue& c : doc["captions"].toArray()) {
            const std::string text = c["text"].toString().toUtf8().toStdString();
            QCOMPARE(folder.encode(text), gz_->encode(text));
        }
        // SD 2.x: pad token "!" (id 0), a no-split special token that strips its neighbours
        writeFile(dir.filePath("special_tokens_map.json"), R"({"bos_token": {"content": "<|startoftext|>",
            "lstrip": false, "rstrip": false}, "eos_token": {"content": "<|endoftext|>", "lstrip": false,
            "rstrip": false}, "unk_token": {"content": "<|endoftext|>"}, "pad_token": "!"})");
        writeFile(dir.filePath("tokenizer_config.json"), R"({"model_max_length": 77, "pad_token": "!",
            "tokenizer_class": "CLIPTokenizer"})");
        ClipTokenizer sd2 = ClipTokenizer::fromFolder(dir.path().toStdString());
        QCOMPARE(sd2.padId(), 0);
        for (const QJsonValue& c : doc["pad0"].toArray()) {
            const QString text = c["text"].toString();
            const std::vector<int> want = toIds(c["padded"].toArray());
            const std::vector<int> got = sd2.encode(text.toUtf8().toStdString());
            QVERIFY2(got == want, qPrintable(text + "\n got  " + show(got) + "\n want " + show(want)));
        }
        writeFile(dir.filePath("tokenizer_config.json"), R"({"model_max_length": 16})");
        QCOMPARE(ClipTokenizer::fromFolder(dir.path().toStdString()).maxLength(), 16);
    }

    void datasetCaptions() {
        const QString data = kSource + "/../shared/data/captioned/captions.json";
        if (!QFile::exists(data))
            QSKIP("the captioned data set (../shared/data/captioned/captions.json) is not here");
        const QJsonObject captions = readJson(data).object();
        const QJsonArray cases = readJson(kSource + "/tests/diffusion/sd/fixtures/clip_dataset_ids.json").array();
        QCOMPARE(cases.size(), 500);
        for (const QJsonValue& c : cases) {
            const QJsonArray list = captions[c["file"].toString()].toArray();
            const int index = c["index"].toInt();
            QVERIFY(index < list.size());
            const QString text = list[index].toString();
            const std::vector<int> want = toIds(c["ids"].toArray());
            const std::vector<int> got = gz_->encode(text.toUtf8().toStdString(), false);
            QVERIFY2(got == want, qPrintable(text + "\n got  " + show(got) + "\n want " + show(want)));
        }
    }

    void badFilesAreRefused() {
        const HfFiles ok = hfFiles({"h e", "l l", "he ll", "hell o</w>"});
        const ClipTokenizer tiny = ClipTokenizer::fromVocabMerges(ok.vocab, ok.merges);
        QCOMPARE(tiny.vocabSize(), 512 + 4 + 2);
        QCOMPARE(tiny.tokenize("hello"), (std::vector<int>{512 + 3}));
        auto hf = [](const std::string& vocab, const std::string& merges, const std::string& map = {},
                     const std::string& config = {}) {
            return [=] { ClipTokenizer::fromVocabMerges(vocab, merges, map, config); };
        };
        refuses(hf("{not json", ok.merges), "vocab.json is not valid JSON");
        refuses(hf("[1, 2]", ok.merges), "vocab.json is not a JSON object");
        refuses(hf(R"({"a": 0})", ok.merges), "vocab.json has 1 entries");
        std::string dup = ok.vocab;
        dup.replace(dup.find(":1,"), 3, ":0,");
        refuses(hf(dup, ok.merges), "gives the id 0 twice");
        std::string big = ok.vocab;
        big.replace(big.find(":1,"), 3, ":99999,");
        refuses(hf(big, ok.merges), "out of range");
        std::string neg = ok.vocab;
        neg.replace(neg.find(":1,"), 3, ":-1,");
        refuses(hf(neg, ok.merges), "out of range");
        std::string real = ok.vocab;
        real.replace(real.find(":1,"), 3, ":1.5,");
        refuses(hf(real, ok.merges), "is not an integer");
        const HfFiles noSpecials = hfFiles({"h e", "l l", "he ll", "hell o</w>"});
        std::string noEnd = noSpecials.vocab;
        noEnd.replace(noEnd.find("\"<|endoftext|>\""), 15, "\"<|end|>\"");
        refuses(hf(noEnd, ok.merges), "lacks the end token");
        std::string noByte = ok.vocab;
        noByte.replace(noByte.find("\"!\":"), 4, "\"!!\":");
        refuses(hf(noByte, ok.merges), "lacks the byte symbol");
        refuses(hf(ok.vocab, "#version: 0.2\nh e\nl l x\n"), "merges.txt line 3 is not two symbols");
        refuses(hf(ok.vocab, "#version: 0.2\nh e\n\nl l\n"), "merges.txt line 3 is not two symbols");
        refuses(hf(ok.vocab, "#version: 0.2\nh e\nx y\n"), "merges.txt line 3 merges symbols that are not in vocab.json");
        refuses(hf(ok.vocab, "#version: 0.2\nh e\nh e\n"), "merges.txt line 3 repeats an earlier merge");
        refuses(hf(ok.vocab, "#version: 0.2\nh \xFF\n"), "merges.txt is not UTF-8 text");
        refuses(hf(ok.vocab, ok.merges, "{oops"), "special_tokens_map.json is not valid JSON");
        refuses(hf(ok.vocab, ok.merges, R"({"pad_token": "<pad>"})"), "lacks the pad token");
        refuses(hf(ok.vocab, ok.merges, R"({"pad_token": 3})"), "pad_token is neither a string nor a token object");
        refuses(hf(ok.vocab, ok.merges, R"({"bos_token": {"lstrip": true}})"), "bos_token has no string 'content'");
        refuses(hf(ok.vocab, ok.merges, {}, R"({"model_max_length": 1000000000000000019884624838656})"),
                "model_max_length");
        refuses(hf(ok.vocab, ok.merges, {}, R"({"model_max_length": 1})"), "out of range");
        refuses(hf(ok.vocab, ok.merges, {}, R"({"model_max_length": "77"})"), "is not an integer");
        refuses([] { ClipTokenizer::fromFolder("/nonexistent/folder"); }, "cannot open");

        // openai's .gz format
        QTemporaryDir dir;
        const QString notGz = dir.filePath("x.gz");
        writeFile(notGz, "#version\nh e\n");
        refuses([&] { ClipTokenizer::fromBpeGz(notGz.toStdString()); }, "is not a gzip file");
        const std::string zipped = gzip(bpeText_.substr(0, 200000));
        writeFile(notGz, zipped.substr(0, zipped.size() / 2));
        refuses([&] { ClipTokenizer::fromBpeGz(notGz.toStdString()); }, "truncated");
        std::string corrupt = zipped;
        for (std::size_t i = 100; i < 400; ++i)
            corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5A);
        writeFile(notGz, corrupt);
        refuses([&] { ClipTokenizer::fromBpeGz(notGz.toStdString()); }, "gzip");
        refuses([] { ClipTokenizer::fromBpeText(""); }, "bpe vocabulary has no merges");
        refuses([] { ClipTokenizer::fromBpeText("#v\nh e\nl l o\n"); }, "bpe vocabulary line 3 is not two symbols");
        refuses([] { ClipTokenizer::fromBpeText("#v\nh e\nh e"); }, "bpe vocabulary line 3 repeats the symbol 'he'");
        refuses([] { ClipTokenizer::fromBpeText("#v\nh \xC3"); }, "bpe vocabulary line 2 is not UTF-8 text");
        refuses([] { ClipTokenizer::fromBpeText("#v\nh ZZ"); }, "bpe vocabulary line 2 merges symbols");
        // a short but valid one tokenizes
        const ClipTokenizer small = ClipTokenizer::fromBpeText("#v\nh e\nhe y</w>");
        QCOMPARE(small.vocabSize(), 516);
        QCOMPARE(small.tokenize("hey hex"), (std::vector<int>{513, 512, 256 + 87}));
    }
};

QTEST_GUILESS_MAIN(TestClipTokenizer)
#include "tst_cliptokenizer.moc"

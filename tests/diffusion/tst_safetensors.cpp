// safetensors reader/writer: round trip, half-precision decoding, and refusal of malformed files.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <string>
#include <vector>

#include "diffusion/DiffusionError.h"
#include "diffusion/SafeTensors.h"

using sem::diffusion::DType;
using sem::diffusion::SafeTensors;

namespace {

std::vector<std::uint8_t> makeFile(const std::string& header, const std::vector<std::uint8_t>& data,
                                   std::uint64_t declaredLength = 0) {
    const std::uint64_t n = declaredLength ? declaredLength : header.size();
    std::vector<std::uint8_t> out;
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

std::string refusal(std::vector<std::uint8_t> bytes) {
    try {
        SafeTensors::parse(std::move(bytes));
    } catch (const sem::Error& e) {
        return e.what();
    }
    return std::string();
}

}  // namespace

class TestSafeTensors : public QObject {
    Q_OBJECT
private slots:
    void roundTripIsBitExact() {
        std::map<std::string, SafeTensors::Tensor> tensors;
        tensors["b.weight"] = {{2, 3}, {1.0f, -2.5f, 3.25e-20f, 1e30f, -0.0f, 7.0f}};
        tensors["a.bias"] = {{3}, {0.1f, 0.2f, 0.3f}};
        tensors["scalar"] = {{}, {42.0f}};
        float nan;
        const std::uint32_t nanBits = 0x7fc00123u;
        std::memcpy(&nan, &nanBits, 4);
        tensors["scalar"].values[0] = nan;

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("m.safetensors").toStdString();
        SafeTensors::write(path, tensors, {{"format", "pt"}});
        const SafeTensors back = SafeTensors::read(path);
        QCOMPARE(back.entries().size(), std::size_t(3));
        QCOMPARE(back.metadata().at("format"), std::string("pt"));
        for (const auto& [name, t] : tensors) {
            const auto& e = back.entries().at(name);
            QCOMPARE(e.dtype, DType::F32);
            QCOMPARE(e.shape, t.shape);
            const auto values = back.toFloat(name);
            QCOMPARE(values.size(), t.values.size());
            QVERIFY(std::memcmp(values.data(), t.values.data(), values.size() * 4) == 0);
        }
        // Spec details: header padded with spaces to 8 bytes, tensors laid out in offset order.
        const auto bytes = SafeTensors::serialize(tensors, {{"format", "pt"}});
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | bytes[static_cast<std::size_t>(i)];
        QCOMPARE(n % 8, std::uint64_t(0));
        QCOMPARE(bytes.size(), static_cast<std::size_t>(8 + n + 4 * 10));
        QCOMPARE(back.entries().at("a.bias").begin, std::uint64_t(0));
        QCOMPARE(back.entries().at("b.weight").begin, std::uint64_t(12));
        QVERIFY(back.dataHash() != 0);
    }

    void decodesHalfAndBfloat16() {
        // F16: 1.0, -2.0, 0.5, smallest subnormal; BF16: 1.0, -3.0
        const std::vector<std::uint8_t> data{0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0x01, 0x00, 0x80, 0x3f, 0x40, 0xc0};
        const std::string header =
            R"({"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}})";
        const SafeTensors st = SafeTensors::parse(makeFile(header, data));
        const auto h = st.toFloat("h");
        QCOMPARE(h[0], 1.0f);
        QCOMPARE(h[1], -2.0f);
        QCOMPARE(h[2], 0.5f);
        QCOMPARE(h[3], 5.9604645e-8f);
        const auto b = st.toFloat("b");
        QCOMPARE(b[0], 1.0f);
        QCOMPARE(b[1], -3.0f);
    }

    void refusesMalformedFiles_data() {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("expected");
        const std::vector<std::uint8_t> eight(8, 0);
        const std::string good = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        auto row = [](const char* name, const std::vector<std::uint8_t>& bytes, const char* expected) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()))
                                << QString(expected);
        };
        row("tiny", {1, 2, 3}, "shorter than");
        row("header too big", makeFile(good, eight, 1ull << 40), "exceeds");
        row("header past end", makeFile(good, eight, good.size() + 9), "past the end");
        auto truncated = makeFile(good, eight);
        truncated.pop_back();
        row("truncated data", truncated, "outside the data region");
        row("corrupt json", makeFile(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})", eight), "JSON");
        row("not an object", makeFile("[1,2]", {}), "not a JSON object");
        row("wrong dtype", makeFile(R"({"t":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}})", eight), "unsupported dtype");
        row("shape mismatch", makeFile(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight),
            "does not match");
        row("negative dim", makeFile(R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight), "negative");
        row("overlap",
            makeFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                     eight),
            "overlapping");
        row("hole", makeFile(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", eight), "hole");
        row("extra bytes", makeFile(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", eight), "cover");
        row("missing field", makeFile(R"({"t":{"dtype":"F32","shape":[2]}})", eight), "lacks");
        row("bad metadata", makeFile(R"({"__metadata__":{"k":1}})", {}), "__metadata__");
        // Found with fuzz_safetensors (a crafted input breaking its invariants): a zero dimension let
        // any later dimension through unchecked, so 2^63 + 1 became a negative int64 in the shape.
        row("dimension past int64 after a zero",
            makeFile(R"({"t":{"dtype":"F32","shape":[0,9223372036854775809],"data_offsets":[0,0]}})", {}), "overflows");
        row("huge dimensions after a zero",
            makeFile(R"({"t":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}})", {}), "overflows");
    }

    void refusesMalformedFiles() {
        QFETCH(QByteArray, file);
        QFETCH(QString, expected);
        const std::vector<std::uint8_t> bytes(file.begin(), file.end());
        const QString message = QString::fromStdString(refusal(bytes));
        QVERIFY2(message.startsWith("safetensors: "), qPrintable("no or wrong error: " + message));
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void integerTensorsConvert() {
        // Real checkpoints hold I64 position_ids (and other integer or boolean buffers).
        std::vector<std::uint8_t> data;
        for (const std::int64_t v : {std::int64_t(0), std::int64_t(76), std::int64_t(-3)})
            for (int i = 0; i < 8; ++i)
                data.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
        data.insert(data.end(), {0x01, 0x00, 0xff, 0x7f});  // BOOL true, false; I8 -1; U8 127
        const auto bytes = makeFile(R"({"ids":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},)"
                                    R"("b":{"dtype":"BOOL","shape":[2],"data_offsets":[24,26]},)"
                                    R"("i":{"dtype":"I8","shape":[1],"data_offsets":[26,27]},)"
                                    R"("u":{"dtype":"U8","shape":[1],"data_offsets":[27,28]}})", data);
        const SafeTensors st = SafeTensors::parse(bytes);
        QCOMPARE(st.entries().at("ids").dtype, DType::I64);
        QVERIFY(st.toFloat("ids") == (std::vector<float>{0.0f, 76.0f, -3.0f}));
        QVERIFY(st.toFloat("b") == (std::vector<float>{1.0f, 0.0f}));
        QVERIFY(st.toFloat("i") == (std::vector<float>{-1.0f}));
        QVERIFY(st.toFloat("u") == (std::vector<float>{127.0f}));
    }

    void mappedFileReadsLikeAReadOne() {
        std::map<std::string, SafeTensors::Tensor> tensors;
        tensors["w"] = {{2, 2}, {1.0f, -2.0f, 3.5f, 1e-30f}};
        tensors["b"] = {{3}, {0.25f, 0.5f, 0.75f}};
        QTemporaryDir dir;
        const std::string path = dir.filePath("m.safetensors").toStdString();
        SafeTensors::write(path, tensors, {{"format", "pt"}});
        const SafeTensors read = SafeTensors::read(path);
        SafeTensors mapped = SafeTensors::map(path);
        QCOMPARE(mapped.entries().size(), std::size_t(2));
        QCOMPARE(mapped.metadata().at("format"), std::string("pt"));
        QCOMPARE(mapped.dataHash(), read.dataHash());
        for (const auto& [name, t] : tensors)
            QVERIFY(mapped.toFloat(name) == t.values);
        // A copy shares the mapping and outlives the original.
        const SafeTensors copy = mapped;
        mapped = SafeTensors();
        QVERIFY(copy.toFloat("w") == tensors["w"].values);
        // Malformed and missing files are refused as by read().
        QFile::resize(dir.filePath("m.safetensors"), 20);
        try {
            SafeTensors::map(path);
            QFAIL("no exception");
        } catch (const sem::Error& e) {
            QVERIFY2(QString(e.what()).startsWith("safetensors: "), e.what());
        }
        try {
            SafeTensors::map("/nonexistent/dir/model.safetensors");
            QFAIL("no exception");
        } catch (const sem::Error& e) {
            QVERIFY2(QString(e.what()).contains("cannot open"), e.what());
        }
    }

    void missingFileIsReported() {
        try {
            SafeTensors::read("/nonexistent/dir/model.safetensors");
            QFAIL("no exception");
        } catch (const sem::Error& e) {
            QVERIFY(QString(e.what()).contains("cannot open"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSafeTensors)
#include "tst_safetensors.moc"

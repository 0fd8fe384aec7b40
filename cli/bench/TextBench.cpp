#include "cli/bench/TextBench.h"

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/text/CaptionDictionary.h"
#include "core/text/CaptionDictionaryBuilder.h"
#include "core/text/TextCodec.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace sem::bench {

namespace {

using Bytes = std::vector<std::uint8_t>;

std::size_t deflateSize(const std::string& s, const std::string& dictionary, int strategy = Z_DEFAULT_STRATEGY)
{
    z_stream z{};
    if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, strategy) != Z_OK)
        throw Error("deflateInit2 failed.");
    if (!dictionary.empty())
        deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dictionary.data()),
                             static_cast<uInt>(dictionary.size()));
    Bytes buf(deflateBound(&z, static_cast<uLong>(s.size())) + 16);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = buf.data();
    z.avail_out = static_cast<uInt>(buf.size());
    const int rc = deflate(&z, Z_FINISH);
    const std::size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        throw Error("deflate did not finish.");
    return n;
}

std::size_t brotliSize(const std::string& s, int mode, int lgwin)
{
    BrotliEncoderState* st = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
    BrotliEncoderSetParameter(st, BROTLI_PARAM_QUALITY, 11);
    BrotliEncoderSetParameter(st, BROTLI_PARAM_LGWIN, static_cast<std::uint32_t>(lgwin));
    BrotliEncoderSetParameter(st, BROTLI_PARAM_MODE, static_cast<std::uint32_t>(mode));
    BrotliEncoderSetParameter(st, BROTLI_PARAM_SIZE_HINT, static_cast<std::uint32_t>(s.size()));
    Bytes buf(BrotliEncoderMaxCompressedSize(s.size()) + 16);
    std::size_t availIn = s.size();
    const std::uint8_t* nextIn = reinterpret_cast<const std::uint8_t*>(s.data());
    std::size_t availOut = buf.size();
    std::uint8_t* nextOut = buf.data();
    const bool ok = BrotliEncoderCompressStream(st, BROTLI_OPERATION_FINISH, &availIn, &nextIn, &availOut,
                                                &nextOut, nullptr)
        && BrotliEncoderIsFinished(st);
    BrotliEncoderDestroyInstance(st);
    if (!ok)
        throw Error("brotli did not finish.");
    return buf.size() - availOut;
}

// Splits one CSV line into fields; handles quoted fields with "" escapes.
std::vector<std::string> splitCsvLine(const std::string& line, std::size_t lineNo)
{
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back().push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back().push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back().push_back(c);
        }
    }
    if (quoted)
        throw Error("captions CSV: unterminated quote on line " + std::to_string(lineNo) + ".");
    return fields;
}

}  // namespace

std::vector<CaptionRow> readCaptionsCsv(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("captions CSV: cannot open " + path + ".");
    std::vector<CaptionRow> rows;
    std::string line;
    std::size_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (lineNo == 1 || line.empty())
            continue;  // header
        std::vector<std::string> f = splitCsvLine(line, lineNo);
        if (f.size() != 2)
            throw Error("captions CSV: line " + std::to_string(lineNo) + " has " + std::to_string(f.size())
                        + " fields instead of 2.");
        rows.push_back({std::move(f[0]), std::move(f[1])});
    }
    return rows;
}

bool isTrainingImage(const std::string& imageName)
{
    std::uint32_t h = 2166136261u;
    for (char c : imageName) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 16777619u;
    }
    return (h & 1u) == 0;
}

namespace {

void splitHalves(const std::vector<CaptionRow>& rows, std::vector<std::string>& train, std::vector<std::string>& test)
{
    for (const CaptionRow& r : rows)
        (isTrainingImage(r.image) ? train : test).push_back(r.caption);
}

std::string describeSplit(const std::vector<std::string>& train, const std::vector<std::string>& test)
{
    return "training half " + std::to_string(train.size()) + " captions, test half " + std::to_string(test.size())
        + " captions (split by FNV-1a of the image name, even = training)";
}

}  // namespace

int runTextCodecBench(const std::string& captionsCsvPath, std::ostream& out)
{
    try {
        const std::vector<CaptionRow> rows = readCaptionsCsv(captionsCsvPath);
        std::vector<std::string> train, test;
        splitHalves(rows, train, test);
        if (test.empty())
            throw Error("captions CSV: no caption in the test half.");
        const std::string dict4k = CaptionDictionaryBuilder::build(train, 4096);
        const std::string dict2k = CaptionDictionaryBuilder::build(train, 2048);
        const std::string dict1k = CaptionDictionaryBuilder::build(train, 1024);
        const std::string shipped(kCaptionDictionary, kCaptionDictionarySize);

        struct Method {
            std::string name;
            std::function<std::size_t(const std::string&)> size;
        };
        const std::vector<Method> methods = {
            {"raw UTF-8", [](const std::string& s) { return s.size(); }},
            {"deflate (raw, level 9)", [](const std::string& s) { return deflateSize(s, {}); }},
            {"deflate + dictionary 1 KB", [&](const std::string& s) { return deflateSize(s, dict1k); }},
            {"deflate + dictionary 2 KB", [&](const std::string& s) { return deflateSize(s, dict2k); }},
            {"deflate + dictionary 4 KB", [&](const std::string& s) { return deflateSize(s, dict4k); }},
            {"deflate + dictionary 4 KB, Z_FIXED",
             [&](const std::string& s) { return deflateSize(s, dict4k, Z_FIXED); }},
            {"deflate + shipped dictionary", [&](const std::string& s) { return deflateSize(s, shipped); }},
            {"brotli q11 generic lgwin 22", [](const std::string& s) { return brotliSize(s, BROTLI_MODE_GENERIC, 22); }},
            {"brotli q11 text lgwin 22", [](const std::string& s) { return brotliSize(s, BROTLI_MODE_TEXT, 22); }},
            {"brotli q11 text lgwin 10", [](const std::string& s) { return brotliSize(s, BROTLI_MODE_TEXT, 10); }},
            {"TextCodec::encode (shipped, incl. method byte)",
             [](const std::string& s) { return TextCodec::encode(s).size(); }},
        };
        out << "Captions: " << rows.size() << " rows; " << describeSplit(train, test) << ".\n"
            << "Dictionary sizes: 1 KB " << dict1k.size() << " B, 2 KB " << dict2k.size() << " B, 4 KB "
            << dict4k.size() << " B, shipped " << shipped.size() << " B"
            << (shipped == dict4k ? " (identical to the 4 KB one built here)" : " (differs from the 4 KB one built here)")
            << ".\n\n"
            << "| method | mean bytes/caption (test half) | vs raw |\n|---|---:|---:|\n";
        double rawMean = 0;
        for (const Method& m : methods) {
            double total = 0;
            for (const std::string& s : test)
                total += static_cast<double>(m.size(s));
            const double mean = total / static_cast<double>(test.size());
            if (rawMean == 0)
                rawMean = mean;
            out << "| " << m.name << " | " << std::fixed << std::setprecision(2) << mean << " | "
                << std::setprecision(1) << 100.0 * mean / rawMean << " % |\n";
        }
        return 0;
    } catch (const std::exception& e) {
        out << "text bench: " << e.what() << "\n";
        return 1;
    }
}

int writeCaptionDictionarySource(const std::string& captionsCsvPath, const std::string& outputCppPath,
                                 std::ostream& out)
{
    try {
        const std::vector<CaptionRow> rows = readCaptionsCsv(captionsCsvPath);
        std::vector<std::string> train, test;
        splitHalves(rows, train, test);
        const std::string dict = CaptionDictionaryBuilder::build(train, 4096);
        const std::string src = CaptionDictionaryBuilder::toCppSource(
            dict, "Built from the " + describeSplit(train, test) + " of flickr8k_all_captions.txt; maxBytes 4096.");
        writeFileAtomic(outputCppPath, Bytes(src.begin(), src.end()));
        out << "wrote " << outputCppPath << " (" << dict.size() << " dictionary bytes)\n";
        return 0;
    } catch (const std::exception& e) {
        out << "caption dictionary: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace sem::bench

#include "training/data/ShardWriter.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/ByteIO.h"
#include "core/common/Error.h"

namespace sem::training {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[] = "SEMSHRD1";

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string shardName(int index)
{
    char name[32];
    std::snprintf(name, sizeof name, "shard-%03d.bin", index);
    return name;
}

}  // namespace

bool ShardWriter::isValidation(const std::string& fileName, int percent)
{
    std::uint32_t h = 2166136261u;
    for (const unsigned char c : fileName) {
        h ^= c;
        h *= 16777619u;
    }
    return static_cast<int>(h % 100u) < percent;
}

std::vector<std::uint8_t> ShardWriter::serializeShard(const std::vector<ShardRecord>& records)
{
    ByteWriter w;
    w.bytes(reinterpret_cast<const std::uint8_t*>(kMagic), 8);
    w.varint(records.size());
    for (const ShardRecord& r : records) {
        w.varint(r.name.size());
        w.bytes(reinterpret_cast<const std::uint8_t*>(r.name.data()), r.name.size());
        w.u8(r.validation ? 1 : 0);
        w.varint(r.captions.size());
        for (const std::string& c : r.captions) {
            w.varint(c.size());
            w.bytes(reinterpret_cast<const std::uint8_t*>(c.data()), c.size());
        }
        w.varint(r.jpeg.size());
        w.bytes(r.jpeg);
    }
    return w.take();
}

std::map<std::string, std::vector<std::string>> ShardWriter::readCaptions(const std::string& path)
{
    const std::vector<std::uint8_t> bytes = readFile(path, 256ull << 20);
    nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw Error("captions file '" + path + "': not a JSON object of file name to caption list.");
    std::map<std::string, std::vector<std::string>> out;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it.value().is_array())
            throw Error("captions file '" + path + "': the entry '" + it.key() + "' is not a list of captions.");
        std::vector<std::string> list;
        for (const auto& c : it.value())
            if (c.is_string() && !c.get<std::string>().empty())
                list.push_back(c.get<std::string>());
        out[it.key()] = std::move(list);
    }
    return out;
}

PrepareSummary ShardWriter::prepare(const PrepareOptions& o)
{
    if (o.maxSide < 32 || o.maxSide > 4096)
        throw Error("prepare: the maximum side must lie in 32..4096.");
    if (!fs::is_directory(o.dataDirectory))
        throw Error("prepare: the data directory '" + o.dataDirectory + "' does not exist.");
    std::map<std::string, std::vector<std::string>> captions;
    if (!o.captionsJson.empty())
        captions = readCaptions(o.captionsJson);

    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(o.dataDirectory)) {
        const std::string ext = lower(entry.path().extension().string());
        if (entry.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png"))
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw Error("prepare: no .jpg/.jpeg/.png images under '" + o.dataDirectory + "'.");

    fs::create_directories(o.outDirectory);
    PrepareSummary summary;
    nlohmann::json shardList = nlohmann::json::array();
    std::vector<std::string> validationNames;
    std::vector<ShardRecord> pending;
    std::uint64_t pendingBytes = 0;
    auto flush = [&]() {
        if (pending.empty())
            return;
        const std::string name = shardName(summary.shards++);
        const std::vector<std::uint8_t> bytes = serializeShard(pending);
        writeFileAtomic((fs::path(o.outDirectory) / name).string(), bytes);
        shardList.push_back({{"file", name}, {"records", pending.size()}, {"bytes", bytes.size()}});
        summary.bytes += bytes.size();
        pending.clear();
        pendingBytes = 0;
    };
    for (const fs::path& file : files) {
        cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
        if (image.empty())
            continue;  // unreadable files are skipped, not fatal
        const int longest = std::max(image.cols, image.rows);
        if (longest > o.maxSide) {
            const double s = static_cast<double>(o.maxSide) / longest;
            cv::resize(image, image, cv::Size(std::max(1, static_cast<int>(image.cols * s + 0.5)),
                                              std::max(1, static_cast<int>(image.rows * s + 0.5))),
                       0, 0, cv::INTER_AREA);
        }
        ShardRecord r;
        r.name = fs::relative(file, o.dataDirectory).generic_string();
        const std::string base = file.filename().string();
        r.validation = isValidation(base, o.validationPercent);
        if (const auto it = captions.find(base); it != captions.end())
            r.captions = it->second;
        if (!cv::imencode(".jpg", image, r.jpeg, {cv::IMWRITE_JPEG_QUALITY, o.jpegQuality}))
            throw Error("prepare: cannot encode '" + file.string() + "' as JPEG.");
        (r.validation ? summary.validationImages : summary.trainImages)++;
        if (!r.captions.empty())
            ++summary.captionedImages;
        if (r.validation)
            validationNames.push_back(r.name);
        pendingBytes += r.jpeg.size();
        pending.push_back(std::move(r));
        if (pendingBytes >= o.shardBytes)
            flush();
    }
    flush();
    std::sort(validationNames.begin(), validationNames.end());
    const nlohmann::json index = {
        {"format", "semcompress-shards-1"},
        {"source", fs::absolute(o.dataDirectory).generic_string()},
        {"captions", o.captionsJson},
        {"max_side", o.maxSide},
        {"jpeg_quality", o.jpegQuality},
        {"validation_percent", o.validationPercent},
        {"split", "FNV-1a 32 of the file name modulo 100 < validation_percent"},
        {"train_images", summary.trainImages},
        {"validation_images", summary.validationImages},
        {"captioned_images", summary.captionedImages},
        {"bytes", summary.bytes},
        {"shards", shardList},
        {"validation", validationNames}};
    const std::string text = index.dump(1);
    writeFileAtomic((fs::path(o.outDirectory) / "index.json").string(),
                    std::vector<std::uint8_t>(text.begin(), text.end()));
    return summary;
}

}  // namespace sem::training

#include "training/data/ShardReader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/ByteIO.h"
#include "core/common/Error.h"

namespace sem::training {

namespace fs = std::filesystem;

namespace {
constexpr std::uint64_t kMaxNameBytes = 4096;
constexpr std::uint64_t kMaxCaptions = 64;
constexpr std::uint64_t kMaxCaptionBytes = 4096;
}  // namespace

std::vector<ShardRecord> ShardReader::parseShard(const std::vector<std::uint8_t>& bytes, const std::string& what)
{
    ByteReader r(bytes, what);
    const std::uint8_t* magic = r.take(8);
    if (std::memcmp(magic, "SEMSHRD1", 8) != 0)
        throw Error(what + ": not a SemCompress shard file (bad magic).");
    const std::uint64_t count = r.varintInRange(0, kMaxRecordsPerShard, "record count");
    // Every record takes at least 4 bytes: never reserve more than the data can hold.
    if (count > r.remaining() / 4)
        throw Error(what + ": the record count " + std::to_string(count) + " exceeds what the file can hold.");
    std::vector<ShardRecord> records;
    records.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
        ShardRecord rec;
        const auto nameSize = static_cast<std::size_t>(r.varintInRange(1, kMaxNameBytes, "name length"));
        const std::uint8_t* name = r.take(nameSize);
        rec.name.assign(reinterpret_cast<const char*>(name), nameSize);
        const std::uint8_t split = r.u8();
        if (split > 1)
            throw Error(what + ": the split flag of '" + rec.name + "' is not 0 or 1.");
        rec.validation = split == 1;
        const std::uint64_t captions = r.varintInRange(0, kMaxCaptions, "caption count");
        for (std::uint64_t c = 0; c < captions; ++c) {
            const auto size = static_cast<std::size_t>(r.varintInRange(0, kMaxCaptionBytes, "caption length"));
            const std::uint8_t* text = r.take(size);
            rec.captions.emplace_back(reinterpret_cast<const char*>(text), size);
        }
        const auto jpegSize = static_cast<std::size_t>(r.varintInRange(1, r.remaining(), "image length"));
        rec.jpeg = r.takeBytes(jpegSize);
        records.push_back(std::move(rec));
    }
    if (!r.atEnd())
        throw Error(what + ": " + std::to_string(r.remaining()) + " bytes of trailing data.");
    return records;
}

ShardReader::ShardReader(const std::string& directory)
{
    const fs::path indexPath = fs::path(directory) / "index.json";
    if (!fs::is_regular_file(indexPath))
        throw Error("shard index: '" + indexPath.string() + "' does not exist (run semc train --prepare-only).");
    const std::vector<std::uint8_t> bytes = readFile(indexPath.string(), 64ull << 20);
    const nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("format") || !j["format"].is_string() ||
        j["format"].get<std::string>() != "semcompress-shards-1" ||
        !j.contains("shards") || !j["shards"].is_array())
        throw Error("shard index: '" + indexPath.string() + "' is not a semcompress shard index.");
    if (j.contains("source") && j["source"].is_string())
        source_ = j["source"].get<std::string>();
    if (j.contains("max_side") && j["max_side"].is_number_integer())
        maxSide_ = j["max_side"].get<int>();
    if (j.contains("validation") && j["validation"].is_array())
        for (const auto& n : j["validation"])
            if (n.is_string())
                validationNames_.push_back(n.get<std::string>());
    for (const auto& s : j["shards"]) {
        if (!s.is_object() || !s.contains("file") || !s["file"].is_string())
            throw Error("shard index: a shard entry has no file name.");
        const std::string file = s["file"].get<std::string>();
        if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
            throw Error("shard index: the shard file name '" + file + "' is not a plain file name.");
        const std::string path = (fs::path(directory) / file).string();
        std::vector<ShardRecord> part = parseShard(readFile(path, kMaxShardBytes), "shard " + file);
        for (ShardRecord& rec : part)
            records_.push_back(std::move(rec));
    }
    if (records_.empty())
        throw Error("shard index: '" + indexPath.string() + "' lists no images.");
}

std::vector<const ShardRecord*> ShardReader::split(bool validation) const
{
    std::vector<const ShardRecord*> out;
    for (const ShardRecord& r : records_)
        if (r.validation == validation)
            out.push_back(&r);
    return out;
}

}  // namespace sem::training

#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sem::training {

// One prepared image: its name (path relative to the data directory), its captions (0..5) and the
// image itself as JPEG bytes (longest side reduced to the preparation size).
struct ShardRecord {
    std::string name;
    bool validation = false;
    std::vector<std::string> captions;
    std::vector<std::uint8_t> jpeg;
};

// The prepared data set: index.json + shard-NNN.bin written by ShardWriter. Every size is checked
// before allocating; a malformed file throws sem::Error("shard ...: ...").
class ShardReader {
public:
    static constexpr std::uint64_t kMaxShardBytes = 256ull << 20;
    static constexpr std::uint64_t kMaxRecordsPerShard = 100000;

    // Reads <directory>/index.json and every shard it lists.
    explicit ShardReader(const std::string& directory);

    const std::vector<ShardRecord>& records() const { return records_; }
    std::vector<const ShardRecord*> split(bool validation) const;
    // The data directory the shards were prepared from (as recorded in the index).
    const std::string& sourceDirectory() const { return source_; }
    // Names of the validation images, as recorded in the index (sorted).
    const std::vector<std::string>& validationNames() const { return validationNames_; }
    int maxSide() const { return maxSide_; }

    // Parses one shard file's bytes (exposed for tests).
    static std::vector<ShardRecord> parseShard(const std::vector<std::uint8_t>& bytes, const std::string& what);

private:
    std::vector<ShardRecord> records_;
    std::vector<std::string> validationNames_;
    std::string source_;
    int maxSide_ = 0;
};

}  // namespace sem::training

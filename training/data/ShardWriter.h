#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "training/data/ShardReader.h"

namespace sem::training {

struct PrepareOptions {
    std::string dataDirectory;   // searched recursively for .jpg/.jpeg/.png
    std::string captionsJson;    // optional: {"file.jpg": ["caption", ...], ...}, matched by file name
    std::string outDirectory;    // receives index.json and shard-NNN.bin
    int maxSide = 256;           // longest side after resizing (INTER_AREA; never enlarged)
    int jpegQuality = 95;
    std::uint64_t shardBytes = 16ull << 20;  // a new shard starts past this size
    int validationPercent = 5;   // by file-name hash, so the split never changes
};

struct PrepareSummary {
    int trainImages = 0, validationImages = 0, captionedImages = 0;
    std::uint64_t bytes = 0;
    int shards = 0;
};

// Prepares the training data once: images resized and stored as JPEG bytes with their captions in
// a few shard files, plus index.json (shards, counts, the validation file list, settings).
class ShardWriter {
public:
    static PrepareSummary prepare(const PrepareOptions& options);
    // True when the image belongs to the validation split: FNV-1a 32 of the file NAME (not the path)
    // modulo 100 is below `percent`. Fixed forever for a given name.
    static bool isValidation(const std::string& fileName, int percent = 5);
    // Serialises records as one shard file's bytes (exposed for tests).
    static std::vector<std::uint8_t> serializeShard(const std::vector<ShardRecord>& records);
    // Parses captions.json; throws sem::Error naming the file on malformed JSON.
    static std::map<std::string, std::vector<std::string>> readCaptions(const std::string& path);
};

}  // namespace sem::training

#include "training/pool/SamplePool.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/common/Error.h"

namespace sem::training {

namespace fs = std::filesystem;

namespace {

struct Index {
    std::vector<std::string> train, validation, captions;
    std::string data, render;
    double edgeDropout = 0.0;
};

std::vector<std::string> strings(const nlohmann::json& list, bool required, const std::string& what)
{
    std::vector<std::string> out;
    for (const auto& entry : list) {
        if (entry.is_string())
            out.push_back(entry.get<std::string>());
        else if (required)
            throw Error("sample pool: an entry of " + what + " is not a string.");
    }
    return out;
}

Index readIndex(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("sample pool: '" + path.string() + "' does not exist (render one with semc train --samples N).");
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::uint64_t>(in.tellg());
    if (size > (256ull << 20))
        throw Error("sample pool: '" + path.string() + "' is too large for an index.");
    in.seekg(0);
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("format") || !j["format"].is_string() ||
        j["format"].get<std::string>() != SamplePool::kFormat || !j.contains("train") || !j["train"].is_array() ||
        !j.contains("validation") || !j["validation"].is_array())
        throw Error("sample pool: '" + path.string() + "' is not a sample pool index.");
    Index index;
    index.train = strings(j["train"], true, "the training files");
    index.validation = strings(j["validation"], true, "the validation files");
    if (j.contains("captions") && j["captions"].is_array())
        index.captions = strings(j["captions"], false, "the captions");
    if (j.contains("data") && j["data"].is_string())
        index.data = j["data"].get<std::string>();
    if (j.contains("render") && j["render"].is_object()) {
        const nlohmann::json& r = j["render"];
        index.render = r.dump();
        if (r.contains("edge_dropout") && r["edge_dropout"].is_number())
            index.edgeDropout = r["edge_dropout"].get<double>();
    }
    return index;
}

}  // namespace

SamplePool::SamplePool(const std::string& directory)
{
    Index index = readIndex(fs::path(directory) / "index.json");
    openSplit(directory, index.train, train_);
    openSplit(directory, index.validation, validation_);
    if (train_.count == 0 || validation_.count == 0)
        throw Error("sample pool: '" + directory + "' needs training and validation samples.");
    trainCount_ = train_.count;
    captions_ = std::move(index.captions);
    data_ = std::move(index.data);
    render_ = std::move(index.render);
    edgeDropout_ = index.edgeDropout;
}

SamplePool::~SamplePool() = default;

void SamplePool::openSplit(const std::string& directory, const std::vector<std::string>& files, Split& split)
{
    for (const std::string& name : files) {
        if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
            name.find("..") != std::string::npos)
            throw Error("sample pool: the pool file name '" + name + "' is not a plain file name.");
        auto file = std::make_unique<PoolFile>((fs::path(directory) / name).string());
        if (crop_ != 0 && file->crop() != crop_)
            throw Error("sample pool: '" + name + "' has another crop size than the pool's first file.");
        crop_ = file->crop();
        split.firstIndex.push_back(split.count);
        split.count += file->count();
        split.files.push_back(std::move(file));
    }
}

void SamplePool::readInto(Split& split, std::uint64_t index, TrainingBatch& b, int slot)
{
    if (index >= split.count)
        throw Error("sample pool: sample " + std::to_string(index) + " is past the pool's end.");
    const auto it = std::upper_bound(split.firstIndex.begin(), split.firstIndex.end(), index);
    const auto file = static_cast<std::size_t>(std::distance(split.firstIndex.begin(), it) - 1);
    split.files[file]->read(static_cast<std::uint32_t>(index - split.firstIndex[file]), b, slot);
}

TrainingBatch SamplePool::batch(const std::vector<std::uint64_t>& indices)
{
    TrainingBatch b = TrainingBatch::allocate(static_cast<int>(indices.size()), crop_);
    for (std::size_t i = 0; i < indices.size(); ++i)
        readInto(train_, indices[i], b, static_cast<int>(i));
    return b;
}

std::vector<TrainingBatch> SamplePool::validationBatches(int batchSize)
{
    std::vector<TrainingBatch> out;
    for (std::uint64_t first = 0; first < validation_.count; first += static_cast<std::uint64_t>(batchSize)) {
        const auto n = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(batchSize), validation_.count - first));
        TrainingBatch b = TrainingBatch::allocate(n, crop_);
        for (int i = 0; i < n; ++i)
            readInto(validation_, first + static_cast<std::uint64_t>(i), b, i);
        out.push_back(std::move(b));
    }
    return out;
}

}  // namespace sem::training

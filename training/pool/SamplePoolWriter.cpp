#include "training/pool/SamplePoolWriter.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "training/pool/PoolFile.h"
#include "training/pool/SamplePool.h"

namespace sem::training {

namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& path, const std::vector<std::uint8_t>& bytes)
{
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            throw Error("sample pool: cannot write '" + tmp.string() + "'.");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        throw Error("sample pool: cannot rename '" + tmp.string() + "' (" + ec.message() + ").");
}

}  // namespace

SamplePoolWriter::SamplePoolWriter(std::string directory, int samplesPerFile)
    : directory_(std::move(directory)), perFile_(samplesPerFile)
{
    if (perFile_ < 1 || perFile_ > static_cast<int>(PoolFile::kMaxSamples))
        throw Error("sample pool: the samples per file must lie in 1..1000000.");
    std::error_code ec;
    fs::create_directories(directory_, ec);
    if (ec)
        throw Error("sample pool: cannot create '" + directory_ + "' (" + ec.message() + ").");
}

void SamplePoolWriter::append(Pending& p, const TrainingBatch& b, int index)
{
    if (p.samples.size == 0)
        p.samples = TrainingBatch::allocate(perFile_, crop_);
    const auto from = static_cast<std::size_t>(index), to = static_cast<std::size_t>(p.written);
    const std::size_t px = b.pixels();
    std::copy_n(b.images.begin() + static_cast<std::ptrdiff_t>(from * px * 3), px * 3,
                p.samples.images.begin() + static_cast<std::ptrdiff_t>(to * px * 3));
    std::copy_n(b.hints.begin() + static_cast<std::ptrdiff_t>(from * px * 3), px * 3,
                p.samples.hints.begin() + static_cast<std::ptrdiff_t>(to * px * 3));
    std::copy_n(b.edges.begin() + static_cast<std::ptrdiff_t>(from * px), px,
                p.samples.edges.begin() + static_cast<std::ptrdiff_t>(to * px));
    p.samples.hasHint[to] = b.hasHint[from];
    p.samples.scaleIndex[to] = b.scaleIndex[from];
    p.samples.captions[to] = b.captions[from];
    ++p.written;
}

void SamplePoolWriter::add(const TrainingBatch& b, bool validation)
{
    if (b.width != b.height || (crop_ != 0 && b.width != crop_))
        throw Error("sample pool: every sample must be a square crop of the same size.");
    crop_ = b.width;
    Pending& p = validation ? validation_ : train_;
    for (int i = 0; i < b.size; ++i) {
        append(p, b, i);
        if (p.written == perFile_)
            flush(p, validation ? "validation" : "train");
    }
}

void SamplePoolWriter::flush(Pending& p, const char* prefix)
{
    if (p.written == 0)
        return;
    char name[48];
    std::snprintf(name, sizeof name, "%s-%03d.bin", prefix, static_cast<int>(p.files.size()));
    const std::vector<std::uint8_t> bytes = PoolFile::encode(p.samples, 0, p.written);
    writeFile(fs::path(directory_) / name, bytes);
    bytes_ += bytes.size();
    p.files.push_back(name);
    p.written = 0;
}

std::uint64_t SamplePoolWriter::finish(const std::vector<std::string>& captions, const std::string& dataDescription,
                                       const std::string& renderSettingsJson)
{
    flush(train_, "train");
    flush(validation_, "validation");
    const nlohmann::json index = {{"format", SamplePool::kFormat},
                                  {"crop", crop_},
                                  {"train", train_.files},
                                  {"validation", validation_.files},
                                  {"data", dataDescription},
                                  {"render", nlohmann::json::parse(renderSettingsJson, nullptr, false)},
                                  {"captions", captions}};
    const std::string text = index.dump(1);
    writeFile(fs::path(directory_) / "index.json", std::vector<std::uint8_t>(text.begin(), text.end()));
    return bytes_ + text.size();
}

}  // namespace sem::training

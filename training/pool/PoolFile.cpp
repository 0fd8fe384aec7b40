#include "training/pool/PoolFile.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/common/Error.h"

namespace sem::training {

namespace {

constexpr char kMagic[8] = {'S', 'E', 'M', 'S', 'M', 'P', 'L', '1'};

std::uint64_t readLe(const std::uint8_t* p, int bytes)
{
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

void putLe(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

PoolFile::PoolFile(const std::string& path) : path_(path), in_(path, std::ios::binary)
{
    if (!in_)
        throw Error("sample pool: cannot open '" + path + "'.");
    in_.seekg(0, std::ios::end);
    const auto size = static_cast<std::uint64_t>(in_.tellg());
    in_.seekg(0);
    std::uint8_t header[16];
    if (size < sizeof header || !in_.read(reinterpret_cast<char*>(header), sizeof header) ||
        std::memcmp(header, kMagic, 8) != 0)
        throw Error("sample pool: '" + path + "' is not a sample pool file (bad magic).");
    crop_ = static_cast<int>(readLe(header + 8, 4));
    const std::uint64_t count = readLe(header + 12, 4);
    if (crop_ < 32 || crop_ > 1024 || crop_ % 32 != 0)
        throw Error("sample pool: '" + path + "' has the crop size " + std::to_string(crop_) +
                    " (a multiple of 32 in 32..1024 expected).");
    if (count < 1 || count > kMaxSamples || 16 + count * 8 + count * fixedRecordBytes(crop_) > size)
        throw Error("sample pool: '" + path + "' claims " + std::to_string(count) + " samples, more than it holds.");
    std::vector<std::uint8_t> table(static_cast<std::size_t>(count * 8));
    if (!in_.read(reinterpret_cast<char*>(table.data()), static_cast<std::streamsize>(table.size())))
        throw Error("sample pool: '" + path + "' ends inside its offset table.");
    if (readLe(table.data(), 8) != 16 + count * 8)
        throw Error("sample pool: '" + path + "' has a bad offset for its first sample.");
    for (std::uint64_t i = 0; i < count; ++i) {  // contiguous records, each of a valid size
        const std::uint64_t offset = readLe(table.data() + i * 8, 8);
        const std::uint64_t next = i + 1 < count ? readLe(table.data() + (i + 1) * 8, 8) : size;
        if (next < offset + fixedRecordBytes(crop_) || next - offset - fixedRecordBytes(crop_) > kMaxCaptionBytes)
            throw Error("sample pool: '" + path + "' sample " + std::to_string(i) + " has a bad size.");
        offsets_.push_back(offset);
    }
    offsets_.push_back(size);
}

void PoolFile::read(std::uint32_t index, TrainingBatch& b, int slot)
{
    if (index >= count() || slot < 0 || slot >= b.size || b.width != crop_ || b.height != crop_)
        throw Error("sample pool: sample " + std::to_string(index) + " of '" + path_ + "' does not fit the batch.");
    const std::uint64_t size = offsets_[index + 1] - offsets_[index];
    std::vector<std::uint8_t> rec(static_cast<std::size_t>(size));
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offsets_[index]));
    if (!in_.read(reinterpret_cast<char*>(rec.data()), static_cast<std::streamsize>(size)))
        throw Error("sample pool: cannot read sample " + std::to_string(index) + " of '" + path_ + "'.");
    const std::uint8_t scale = rec[0], hasHint = rec[1];
    const auto captionBytes = static_cast<std::size_t>(readLe(rec.data() + 2, 4));
    if (scale > 4 || hasHint > 1 || captionBytes != size - fixedRecordBytes(crop_))
        throw Error("sample pool: sample " + std::to_string(index) + " of '" + path_ + "' is malformed.");
    const std::size_t pixels = b.pixels(), s = static_cast<std::size_t>(slot);
    const std::uint8_t* p = rec.data() + 6;
    b.captions[s].assign(reinterpret_cast<const char*>(p), captionBytes);
    p += captionBytes;
    b.scaleIndex[s] = scale;
    b.hasHint[s] = hasHint;
    std::copy(p, p + pixels * 3, b.images.begin() + static_cast<std::ptrdiff_t>(s * pixels * 3));
    p += pixels * 3;
    std::transform(p, p + pixels, b.edges.begin() + static_cast<std::ptrdiff_t>(s * pixels),
                   [](std::uint8_t v) { return static_cast<float>(v) / 255.0f; });
    p += pixels;
    std::copy(p, p + pixels * 3, b.hints.begin() + static_cast<std::ptrdiff_t>(s * pixels * 3));
}

std::vector<std::uint8_t> PoolFile::encode(const TrainingBatch& b, int first, int count)
{
    if (b.width != b.height || first < 0 || count < 1 || first + count > b.size)
        throw Error("sample pool: the samples to write are not square crops of the batch.");
    const std::size_t pixels = b.pixels();
    std::vector<std::uint8_t> out(kMagic, kMagic + 8);
    putLe(out, static_cast<std::uint32_t>(b.width), 4);
    putLe(out, static_cast<std::uint32_t>(count), 4);
    std::uint64_t offset = 16 + static_cast<std::uint64_t>(count) * 8;
    for (int i = first; i < first + count; ++i) {
        putLe(out, offset, 8);
        offset += fixedRecordBytes(b.width) + std::min<std::size_t>(b.captions[static_cast<std::size_t>(i)].size(), kMaxCaptionBytes);
    }
    for (int i = first; i < first + count; ++i) {
        const auto s = static_cast<std::size_t>(i);
        const std::string caption = b.captions[s].substr(0, kMaxCaptionBytes);
        out.push_back(static_cast<std::uint8_t>(b.scaleIndex[s]));
        out.push_back(b.hasHint[s] ? 1 : 0);
        putLe(out, caption.size(), 4);
        out.insert(out.end(), caption.begin(), caption.end());
        const auto image = b.images.begin() + static_cast<std::ptrdiff_t>(s * pixels * 3);
        out.insert(out.end(), image, image + static_cast<std::ptrdiff_t>(pixels * 3));
        for (std::size_t k = 0; k < pixels; ++k)
            out.push_back(static_cast<std::uint8_t>(std::lround(std::clamp(b.edges[s * pixels + k], 0.0f, 1.0f) * 255.0f)));
        const auto hint = b.hints.begin() + static_cast<std::ptrdiff_t>(s * pixels * 3);
        out.insert(out.end(), hint, hint + static_cast<std::ptrdiff_t>(pixels * 3));
    }
    return out;
}

}  // namespace sem::training

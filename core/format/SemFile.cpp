#include "core/format/SemFile.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/common/AtomicFile.h"
#include "core/common/ByteIO.h"
#include "core/common/Error.h"

namespace sem {
namespace {

constexpr std::uint8_t kMagic[3] = {'S', 'E', 'M'};
constexpr std::uint8_t kFlagDecodeSettings = 0x01;
constexpr std::uint8_t kKnownFlags = kFlagDecodeSettings;
constexpr std::uint8_t kOptionalBit = 0x80;

void writeChunk(ByteWriter& w, std::uint8_t type, const std::vector<std::uint8_t>& payload)
{
    w.u8(type);
    w.varint(payload.size());
    w.bytes(payload);
}

std::uint32_t crcOf(const std::uint8_t* data, std::size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib's crc32 takes uInt lengths; the file is far below 4 GB (kMaxFileBytes).
    crc = crc32(crc, data, static_cast<uInt>(size));
    return static_cast<std::uint32_t>(crc);
}

std::string chunkName(std::uint8_t type)
{
    switch (type) {
    case static_cast<std::uint8_t>(ChunkType::Edges): return "edges";
    case static_cast<std::uint8_t>(ChunkType::Caption): return "caption";
    case static_cast<std::uint8_t>(ChunkType::Hint): return "hint";
    case static_cast<std::uint8_t>(ChunkType::Metadata): return "metadata";
    default: return "type " + std::to_string(type);
    }
}

}  // namespace

bool DecodeSettings::operator==(const DecodeSettings& o) const
{
    return present == o.present && sampler == o.sampler && fidelity == o.fidelity && steps == o.steps
        && guidanceTenths == o.guidanceTenths && etaHundredths == o.etaHundredths && seed == o.seed
        && strengthPercent == o.strengthPercent && family == o.family
        && (family == BuiltIn
            || (controlScaleHundredths == o.controlScaleHundredths && workSize == o.workSize && colourFix == o.colourFix
                && karras == o.karras));
}

std::uint32_t DecodeSettings::toStrengthPercent(double strength)
{
    return static_cast<std::uint32_t>(std::clamp(std::lround(strength * 100.0), 1L, 100L));
}

std::vector<std::uint8_t> SemFile::serialize() const
{
    if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide
        || static_cast<long long>(width) * height > kMaxPixels)
        throw Error(".sem: cannot write an image of " + std::to_string(width) + "x" + std::to_string(height));
    ByteWriter w;
    w.bytes(kMagic, sizeof kMagic);
    w.u8(kVersion);
    w.u8(decode.present ? kFlagDecodeSettings : 0);
    w.varint(static_cast<std::uint64_t>(width));
    w.varint(static_cast<std::uint64_t>(height));
    w.varint(modelId);
    if (decode.present) {
        if (decode.strengthPercent < 1 || decode.strengthPercent > 100)
            throw Error(".sem: cannot write a decode strength of " + std::to_string(decode.strengthPercent) + " %");
        const bool partial = decode.strengthPercent < 100;
        const bool sd = decode.family == DecodeSettings::StableDiffusion1;
        if (sd && (decode.controlScaleHundredths > 500 || decode.workSize < 64 || decode.workSize > 2048
                   || decode.workSize % 8 != 0))
            throw Error(".sem: cannot write Stable Diffusion settings out of range");
        w.u8(static_cast<std::uint8_t>(decode.sampler | (decode.fidelity ? 0x10 : 0) | (partial ? 0x20 : 0)
                                       | (sd ? 0x40 : 0)));
        w.varint(decode.steps);
        w.varint(decode.guidanceTenths);
        w.varint(decode.etaHundredths);
        w.varint(decode.seed);
        if (partial)
            w.varint(decode.strengthPercent);
        if (sd) {
            w.u8(DecodeSettings::StableDiffusion1);
            w.varint(decode.controlScaleHundredths);
            w.varint(decode.workSize / 8);
            w.u8(static_cast<std::uint8_t>((decode.colourFix ? 0x01 : 0) | (decode.karras ? 0x02 : 0)));
        }
    }
    auto put = [&](ChunkType t, const std::optional<std::vector<std::uint8_t>>& p) {
        if (p) {
            if (p->size() > kMaxChunkBytes)
                throw Error(".sem: the " + chunkName(static_cast<std::uint8_t>(t)) + " chunk is too large");
            writeChunk(w, static_cast<std::uint8_t>(t), *p);
        }
    };
    put(ChunkType::Edges, edges);
    put(ChunkType::Caption, caption);
    put(ChunkType::Hint, hint);
    put(ChunkType::Metadata, metadata);
    for (const SemChunk& c : unknownOptional)
        writeChunk(w, c.type, c.payload);
    const std::uint32_t crc = crcOf(w.data().data(), w.data().size());
    w.u32(crc);
    return w.take();
}

SemFile SemFile::parse(const std::uint8_t* data, std::size_t size)
{
    if (size > kMaxFileBytes)
        throw Error(".sem: file is larger than " + std::to_string(kMaxFileBytes) + " bytes");
    if (size < sizeof kMagic || std::memcmp(data, kMagic, sizeof kMagic) != 0)
        throw Error(".sem: not a SemCompress file (bad magic)");
    if (size < sizeof kMagic + 1)
        throw Error(".sem: file is truncated (no version)");
    if (data[3] != kVersion)
        throw Error(".sem: unsupported format version " + std::to_string(data[3]) + " (this program reads version "
                    + std::to_string(kVersion) + ")");
    if (size < 4 + 1 + 4)
        throw Error(".sem: file is truncated (" + std::to_string(size) + " bytes)");
    const std::size_t body = size - 4;
    ByteReader r(data, body, ".sem");
    r.take(4);
    const std::uint8_t flags = r.u8();
    if (flags & ~kKnownFlags)
        throw Error(".sem: unknown header flags 0x" + std::to_string(flags));

    SemFile f;
    f.width = static_cast<int>(r.varintInRange(1, kMaxSide, "image width"));
    f.height = static_cast<int>(r.varintInRange(1, kMaxSide, "image height"));
    if (static_cast<long long>(f.width) * f.height > kMaxPixels)
        throw Error(".sem: image of " + std::to_string(f.width) + "x" + std::to_string(f.height)
                    + " exceeds the limit of " + std::to_string(kMaxPixels) + " pixels");
    f.modelId = static_cast<std::uint32_t>(r.varintInRange(0, 0xFFFFFFFFu, "model id"));
    if (flags & kFlagDecodeSettings) {
        f.decode.present = true;
        const std::uint8_t s = r.u8();
        if ((s & 0x0F) > DecodeSettings::EulerAncestral || (s & 0x80))
            r.fail("unknown sampler code " + std::to_string(s));
        f.decode.sampler = static_cast<DecodeSettings::Sampler>(s & 0x0F);
        f.decode.fidelity = (s & 0x10) != 0;
        f.decode.steps = static_cast<std::uint32_t>(r.varintInRange(1, 1000, "sampler steps"));
        f.decode.guidanceTenths = static_cast<std::uint32_t>(r.varintInRange(0, 300, "guidance"));
        f.decode.etaHundredths = static_cast<std::uint32_t>(r.varintInRange(0, 100, "eta"));
        f.decode.seed = static_cast<std::uint32_t>(r.varintInRange(0, 0xFFFFFFFFu, "seed"));
        if (s & 0x20)
            f.decode.strengthPercent = static_cast<std::uint32_t>(r.varintInRange(1, 99, "decode strength"));
        if (s & 0x40) {
            if (r.u8() != DecodeSettings::StableDiffusion1)
                r.fail("unknown model family");
            f.decode.family = DecodeSettings::StableDiffusion1;
            f.decode.controlScaleHundredths = static_cast<std::uint32_t>(r.varintInRange(0, 500, "control scale"));
            f.decode.workSize = static_cast<std::uint32_t>(r.varintInRange(8, 256, "working size")) * 8;
            const std::uint8_t options = r.u8();
            if (options & ~0x03)
                r.fail("unknown Stable Diffusion options");
            f.decode.colourFix = (options & 0x01) != 0;
            f.decode.karras = (options & 0x02) != 0;
        }
        const bool sd = f.decode.family == DecodeSettings::StableDiffusion1;
        if (sd ? (f.decode.sampler == DecodeSettings::Ddpm || f.decode.fidelity)
               : f.decode.sampler >= DecodeSettings::Euler)
            r.fail("sampler code " + std::to_string(s) + " is not one of the model family's");
    }

    // The CRC is checked before the chunks are read, so a bit flip anywhere is named as such.
    std::uint32_t stored = 0;
    for (int i = 0; i < 4; ++i)
        stored |= static_cast<std::uint32_t>(data[body + i]) << (8 * i);
    if (stored != crcOf(data, body))
        throw Error(".sem: checksum mismatch: the file is corrupt or truncated");

    while (!r.atEnd()) {
        const std::uint8_t type = r.u8();
        const std::uint64_t len = r.varintInRange(0, kMaxChunkBytes, "chunk " + chunkName(type) + " length");
        if (len > r.remaining())
            r.fail("chunk " + chunkName(type) + " declares " + std::to_string(len) + " bytes but only "
                   + std::to_string(r.remaining()) + " remain");
        auto payload = r.takeBytes(static_cast<std::size_t>(len));
        auto setOnce = [&](std::optional<std::vector<std::uint8_t>>& slot) {
            if (slot)
                throw Error(".sem: duplicate " + chunkName(type) + " chunk");
            slot = std::move(payload);
        };
        switch (type) {
        case static_cast<std::uint8_t>(ChunkType::Edges): setOnce(f.edges); break;
        case static_cast<std::uint8_t>(ChunkType::Caption): setOnce(f.caption); break;
        case static_cast<std::uint8_t>(ChunkType::Hint): setOnce(f.hint); break;
        case static_cast<std::uint8_t>(ChunkType::Metadata):
            setOnce(f.metadata);
            break;
        default:
            if (!(type & kOptionalBit))
                throw Error(".sem: unknown critical chunk type " + std::to_string(type)
                            + " (written by a newer version?)");
            f.unknownOptional.push_back({type, std::move(payload)});
        }
    }
    return f;
}

SemFile SemFile::load(const std::string& path)
{
    const auto bytes = readFile(path, kMaxFileBytes);
    try {
        return parse(bytes);
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

void SemFile::save(const std::string& path) const
{
    writeFileAtomic(path, serialize());
}

SemBreakdown SemFile::breakdown() const
{
    SemBreakdown b;
    b.total = serialize().size();
    b.edges = edges ? edges->size() : 0;
    b.caption = caption ? caption->size() : 0;
    b.hint = hint ? hint->size() : 0;
    b.metadata = metadata ? metadata->size() : 0;
    for (const SemChunk& c : unknownOptional)
        b.other += c.payload.size();
    b.container = b.total - b.edges - b.caption - b.hint - b.metadata - b.other;
    return b;
}

std::size_t SemFile::decodeRecordRoom(DecodeSettings::Family family) const
{
    // The header alone (the chunks do not change), with this file's record and with the largest.
    auto headerBytes = [this](std::uint32_t id, const DecodeSettings& settings) {
        SemFile header;
        header.width = width;
        header.height = height;
        header.modelId = id;
        header.decode = settings;
        return header.serialize().size();
    };
    DecodeSettings largest;
    largest.present = true;
    largest.steps = 1000;
    largest.guidanceTenths = 300;
    largest.etaHundredths = 100;
    largest.seed = 0xFFFFFFFFu;
    largest.strengthPercent = 99;
    if (family == DecodeSettings::StableDiffusion1) {
        largest.family = family;
        largest.sampler = DecodeSettings::EulerAncestral;
        largest.controlScaleHundredths = 500;
        largest.workSize = 2048;
    }
    const std::size_t now = headerBytes(modelId, decode), most = headerBytes(0xFFFFFFFFu, largest);
    return most > now ? most - now : 0;
}

double SemFile::bpp() const
{
    return static_cast<double>(serialize().size()) * 8.0 / (static_cast<double>(width) * height);
}

// Metadata payload: one method byte (0 = UTF-8 JSON as is, 1 = zlib stream), then the data.
// The writer keeps whichever is smaller: short JSON does not pay zlib's 6 bytes of framing.
void SemFile::setMetadataJson(const std::string& json)
{
    if (json.size() > kMaxMetadataBytes)
        throw Error(".sem: metadata is larger than " + std::to_string(kMaxMetadataBytes) + " bytes");
    uLongf bound = compressBound(static_cast<uLong>(json.size()));
    std::vector<std::uint8_t> packed(bound + 1);
    packed[0] = 1;
    if (compress2(packed.data() + 1, &bound, reinterpret_cast<const Bytef*>(json.data()),
                  static_cast<uLong>(json.size()), Z_BEST_COMPRESSION)
        != Z_OK)
        throw Error(".sem: metadata compression failed");
    packed.resize(bound + 1);
    if (packed.size() < json.size() + 1) {
        metadata = std::move(packed);
        return;
    }
    std::vector<std::uint8_t> plain{0};
    plain.insert(plain.end(), json.begin(), json.end());
    metadata = std::move(plain);
}

std::string SemFile::metadataJson() const
{
    if (!metadata || metadata->empty())
        return {};
    const std::uint8_t method = (*metadata)[0];
    if (method == 0) {
        if (metadata->size() - 1 > kMaxMetadataBytes)
            throw Error(".sem: metadata is larger than " + std::to_string(kMaxMetadataBytes) + " bytes");
        return std::string(metadata->begin() + 1, metadata->end());
    }
    if (method != 1)
        throw Error(".sem: metadata uses unknown method " + std::to_string(method));
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK)
        throw Error(".sem: metadata: cannot initialise zlib");
    std::string out(kMaxMetadataBytes + 1, '\0');
    zs.next_in = const_cast<Bytef*>(metadata->data() + 1);
    zs.avail_in = static_cast<uInt>(metadata->size() - 1);
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    const std::size_t produced = out.size() - zs.avail_out;
    const bool consumedAll = zs.avail_in == 0;
    inflateEnd(&zs);
    if (produced > kMaxMetadataBytes)
        throw Error(".sem: metadata expands beyond " + std::to_string(kMaxMetadataBytes) + " bytes");
    if (rc != Z_STREAM_END || !consumedAll)
        throw Error(".sem: metadata is corrupt");
    out.resize(produced);
    return out;
}

}  // namespace sem

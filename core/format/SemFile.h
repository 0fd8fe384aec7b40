#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sem {

// Sampler settings recorded so that a decode is reproducible (filled by the decoder issue's encoder
// options; `present == false` means "use the decoder's defaults").
struct DecodeSettings {
    // Ddpm: the built-in family only; Euler and EulerAncestral: the Stable Diffusion family only.
    enum Sampler : std::uint8_t { Ddpm = 0, Ddim = 1, DpmPp2M = 2, Euler = 3, EulerAncestral = 4 };
    enum Family : std::uint8_t { BuiltIn = 0, StableDiffusion1 = 1 };
    bool present = false;
    Sampler sampler = DpmPp2M;
    bool fidelity = false;
    std::uint32_t steps = 20;          // 1..1000
    std::uint32_t guidanceTenths = 30; // guidance scale x10, 0..300
    std::uint32_t etaHundredths = 0;   // DDIM eta x100, 0..100
    std::uint32_t seed = 0;
    // Sampled decodes: 100 = from pure noise; 1..99 = start from the first step's prediction and
    // redraw that share of the sampler's steps (see diffusion::SamplerSettings::strength).
    std::uint32_t strengthPercent = 100;
    // The model family the settings are for, and the Stable Diffusion family's own settings
    // (recorded only for that family; see docs/FORMAT.md).
    Family family = BuiltIn;
    std::uint32_t controlScaleHundredths = 100;  // ControlNet scale x100, 0..500
    std::uint32_t workSize = 768;                // longest side of the working size, 64..2048, a multiple of 8
    bool colourFix = true;                       // the output's low frequencies from the colour hint
    bool karras = true;                          // Karras sigmas (DPM++ 2M, Euler)
    bool operator==(const DecodeSettings& o) const;
    // A strength in (0, 1] as whole percent, 1..100.
    static std::uint32_t toStrengthPercent(double strength);
};

// The chunk types of the container; see docs/FORMAT.md. Bit 7 set = optional (skippable).
enum class ChunkType : std::uint8_t { Edges = 0x01, Caption = 0x02, Hint = 0x03, Metadata = 0x84 };

struct SemChunk {
    std::uint8_t type = 0;
    std::vector<std::uint8_t> payload;
};

// Bytes of a file by part; `container` is magic, header, chunk headers and CRC.
struct SemBreakdown {
    std::size_t container = 0, edges = 0, caption = 0, hint = 0, metadata = 0, other = 0, total = 0;
};

// The `.sem` container (DESIGN §3, docs/FORMAT.md): header, typed length-prefixed chunks, CRC-32.
// It holds the coded streams as bytes; the codecs in core/edges, core/text and core/hint read them.
class SemFile {
public:
    static constexpr std::uint8_t kVersion = 1;
    static constexpr int kMaxSide = 16384;
    static constexpr long long kMaxPixels = 100'000'000;
    static constexpr std::size_t kMaxChunkBytes = 16u << 20;
    static constexpr std::size_t kMaxFileBytes = 64u << 20;
    static constexpr std::size_t kMaxMetadataBytes = 64u << 10;

    int width = 0;
    int height = 0;
    std::uint32_t modelId = 0;  // short hash of the decoder model's weights; 0 = not recorded
    DecodeSettings decode;
    std::optional<std::vector<std::uint8_t>> edges;
    std::optional<std::vector<std::uint8_t>> caption;
    std::optional<std::vector<std::uint8_t>> hint;
    std::optional<std::vector<std::uint8_t>> metadata;  // deflate-compressed JSON, strippable
    std::vector<SemChunk> unknownOptional;              // kept as read, written back unchanged

    std::vector<std::uint8_t> serialize() const;
    // Validates everything (magic, version, sizes, chunk types, lengths, CRC) and throws
    // sem::Error(".sem: ...") naming the problem.
    static SemFile parse(const std::uint8_t* data, std::size_t size);
    static SemFile parse(const std::vector<std::uint8_t>& bytes) { return parse(bytes.data(), bytes.size()); }

    static SemFile load(const std::string& path);
    void save(const std::string& path) const;  // atomic (QSaveFile)

    SemBreakdown breakdown() const;
    double bpp() const;
    // How many bytes the header could grow by when a decode records its model id and sampler
    // settings in it (the largest such record, minus the one the file has now).
    std::size_t decodeRecordRoom(DecodeSettings::Family family = DecodeSettings::BuiltIn) const;

    // Metadata as JSON text (compressed on set, decompressed with a size limit on get).
    void setMetadataJson(const std::string& json);
    std::string metadataJson() const;  // "" when absent
};

}  // namespace sem

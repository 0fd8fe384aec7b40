#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sem::diffusion {

// Reader/writer for the safetensors format (https://github.com/huggingface/safetensors):
// 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}} with
// an optional "__metadata__" string map, then the data region, fully covered by the tensors.
// Floating tensors (F32, F16, BF16, F64) and the integer and boolean ones real checkpoints also
// hold (I64 position_ids, I32/I16/I8/U8, BOOL) are accepted; every one converts to float32. Other
// dtypes (complex, 8-bit floats, ...) are refused. Everything is validated before any tensor is
// allocated.
enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

// Bytes per element of a dtype.
std::uint64_t dtypeBytes(DType dtype);

struct TensorEntry {
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;  // offsets relative to the start of the data region
    std::uint64_t end = 0;
    std::int64_t elementCount() const;
};

class SafeTensors {
public:
    // Parses and validates a whole file image; throws Error("safetensors: ...").
    static SafeTensors parse(std::vector<std::uint8_t> fileBytes);
    // Reads the whole file into memory (up to 4 GiB).
    static SafeTensors read(const std::string& path);
    // Maps the file into memory read-only (POSIX mmap; a plain read where there is none) so that a
    // multi-gigabyte checkpoint is never copied whole: each tensor is converted when it is asked for,
    // straight from the page cache. Same validation as parse(); files up to 64 GiB.
    static SafeTensors map(const std::string& path);

    const std::map<std::string, TensorEntry>& entries() const { return entries_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    // The tensor converted to float32 (row-major). Throws if the name is unknown.
    std::vector<float> toFloat(const std::string& name) const;
    // The tensor's bytes as stored (little-endian, row-major, entries().at(name).dtype), valid while
    // this object lives: a view of the mapping or the buffer, no copy. Throws if the name is unknown.
    const std::uint8_t* bytes(const std::string& name) const;
    // FNV-1a 64 over the data region (all tensor bytes in offset order).
    std::uint64_t dataHash() const;

    // Serialises float32 tensors (in name order) with optional metadata; the header is padded with
    // spaces to a multiple of 8 bytes. `shapes` and `values` are keyed by tensor name.
    struct Tensor {
        std::vector<std::int64_t> shape;
        std::vector<float> values;
    };
    static std::vector<std::uint8_t> serialize(const std::map<std::string, Tensor>& tensors,
                                               const std::map<std::string, std::string>& metadata = {});
    static void write(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

private:
    static SafeTensors parseView(std::shared_ptr<const void> owner, const std::uint8_t* data, std::uint64_t size);

    std::shared_ptr<const void> owner_;  // keeps the bytes alive: a vector or a mapping
    const std::uint8_t* data_ = nullptr;
    std::uint64_t size_ = 0;
    std::uint64_t dataStart_ = 0;
    std::map<std::string, TensorEntry> entries_;
    std::map<std::string, std::string> metadata_;
};

std::uint64_t fnv1a64(const std::uint8_t* data, std::size_t size, std::uint64_t hash = 0xcbf29ce484222325ull);
float halfToFloat(std::uint16_t h);
float bfloat16ToFloat(std::uint16_t b);

}  // namespace sem::diffusion

#include "diffusion/SafeTensors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <nlohmann/json.hpp>

#include "diffusion/DiffusionError.h"
#include "diffusion/FileIO.h"

namespace sem::diffusion {

namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;  // the reference implementation's limit
constexpr std::uint64_t kMaxFileBytes = 4ull << 30;
constexpr std::uint64_t kMaxMappedBytes = 64ull << 30;

[[noreturn]] void fail(const std::string& what) {
    throw Error("safetensors: " + what + ".");
}

std::uint64_t dtypeSize(DType d) {
    return dtypeBytes(d);
}

DType parseDType(const std::string& name, const std::string& tensor) {
    static const std::pair<const char*, DType> kNames[] = {
        {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16}, {"F64", DType::F64},
        {"I64", DType::I64}, {"I32", DType::I32}, {"I16", DType::I16},   {"I8", DType::I8},
        {"U8", DType::U8},   {"BOOL", DType::Bool}};
    for (const auto& [text, dtype] : kNames)
        if (name == text)
            return dtype;
    fail("tensor '" + tensor + "' has unsupported dtype '" + name + "' (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
}

std::uint64_t readLe(const std::uint8_t* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

std::uint64_t readLe64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

std::uint32_t floatBits(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

float bitsFloat(std::uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

}  // namespace

std::uint64_t dtypeBytes(DType dtype) {
    switch (dtype) {
    case DType::F64:
    case DType::I64: return 8;
    case DType::F32:
    case DType::I32: return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16: return 2;
    case DType::I8:
    case DType::U8:
    case DType::Bool: return 1;
    }
    return 1;
}

std::uint64_t fnv1a64(const std::uint8_t* data, std::size_t size, std::uint64_t hash) {
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= data[i];
        hash *= 0x100000001b3ull;
    }
    return hash;
}

float halfToFloat(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exponent = (h >> 10) & 0x1fu;
    std::uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0x1f)
        return bitsFloat(sign | 0x7f800000u | (mantissa << 13));
    if (exponent == 0) {
        if (mantissa == 0)
            return bitsFloat(sign);
        // Subnormal: normalise.
        int e = -1;
        do {
            ++e;
            mantissa <<= 1;
        } while ((mantissa & 0x400u) == 0);
        mantissa &= 0x3ffu;
        exponent = static_cast<std::uint32_t>(127 - 15 - e);
        return bitsFloat(sign | (exponent << 23) | (mantissa << 13));
    }
    return bitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

float bfloat16ToFloat(std::uint16_t b) {
    return bitsFloat(static_cast<std::uint32_t>(b) << 16);
}

std::int64_t TensorEntry::elementCount() const {
    std::int64_t n = 1;
    for (const auto d : shape)
        n *= d;
    return n;
}

SafeTensors SafeTensors::parse(std::vector<std::uint8_t> fileBytes) {
    auto owner = std::make_shared<const std::vector<std::uint8_t>>(std::move(fileBytes));
    const std::uint8_t* data = owner->data();
    const std::uint64_t size = owner->size();
    return parseView(std::move(owner), data, size);
}

SafeTensors SafeTensors::parseView(std::shared_ptr<const void> owner, const std::uint8_t* data, std::uint64_t size) {
    SafeTensors st;
    if (size < 8)
        fail("the file is shorter than the 8-byte header length");
    const std::uint64_t headerLen = readLe64(data);
    if (headerLen > kMaxHeaderBytes)
        fail("the header length " + std::to_string(headerLen) + " exceeds the 100 MB limit");
    if (headerLen > size - 8)
        fail("the header length " + std::to_string(headerLen) + " runs past the end of the file (" +
             std::to_string(size) + " bytes)");
    json header;
    try {
        header = json::parse(data + 8, data + 8 + headerLen);
    } catch (const json::exception&) {
        fail("the header is not well-formed JSON");
    }
    if (!header.is_object())
        fail("the header is not a JSON object");
    st.dataStart_ = 8 + headerLen;
    const std::uint64_t dataSize = size - st.dataStart_;

    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& value = it.value();
        if (name == "__metadata__") {
            if (!value.is_object())
                fail("__metadata__ is not an object");
            for (auto m = value.begin(); m != value.end(); ++m) {
                if (!m.value().is_string())
                    fail("__metadata__ value '" + m.key() + "' is not a string");
                st.metadata_[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
            !value.contains("data_offsets") || !value["dtype"].is_string() || !value["shape"].is_array() ||
            !value["data_offsets"].is_array() || value["data_offsets"].size() != 2)
            fail("tensor '" + name + "' lacks a valid dtype, shape or data_offsets");
        TensorEntry e;
        e.dtype = parseDType(value["dtype"].get<std::string>(), name);
        // The product of the non-zero dimensions is bounded too (not only the element count), so
        // that a zero dimension cannot let a huge one through: every dimension fits an int64 and
        // elementCount() never overflows.
        std::uint64_t nonZeroProduct = 1;
        bool hasZero = false;
        for (const auto& d : value["shape"]) {
            if (!d.is_number_unsigned())
                fail("tensor '" + name + "' has a negative or non-integer dimension");
            const auto dim = d.get<std::uint64_t>();
            if (dim == 0) {
                hasZero = true;
            } else {
                if (nonZeroProduct > (std::numeric_limits<std::uint64_t>::max() / 16) / dim)
                    fail("tensor '" + name + "' has a shape whose size overflows");
                nonZeroProduct *= dim;
            }
            e.shape.push_back(static_cast<std::int64_t>(dim));
        }
        const std::uint64_t count = hasZero ? 0 : nonZeroProduct;
        for (const auto& o : value["data_offsets"])
            if (!o.is_number_unsigned())
                fail("tensor '" + name + "' has invalid data_offsets");
        e.begin = value["data_offsets"][0].get<std::uint64_t>();
        e.end = value["data_offsets"][1].get<std::uint64_t>();
        if (e.begin > e.end || e.end > dataSize)
            fail("tensor '" + name + "' has data_offsets [" + std::to_string(e.begin) + ", " +
                 std::to_string(e.end) + "] outside the data region of " + std::to_string(dataSize) + " bytes");
        if (count * dtypeSize(e.dtype) != e.end - e.begin)
            fail("tensor '" + name + "' has a shape that does not match its data_offsets span");
        spans.emplace_back(e.begin, e.end);
        st.entries_.emplace(name, std::move(e));
    }
    std::sort(spans.begin(), spans.end());
    std::uint64_t cursor = 0;
    for (const auto& [begin, end] : spans) {
        if (begin < cursor)
            fail("two tensors have overlapping data_offsets");
        if (begin > cursor)
            fail("the data region has a hole at byte " + std::to_string(cursor));
        cursor = end;
    }
    if (cursor != dataSize)
        fail("the data region is " + std::to_string(dataSize) + " bytes but the tensors cover " +
             std::to_string(cursor));
    st.owner_ = std::move(owner);
    st.data_ = data;
    st.size_ = size;
    return st;
}

SafeTensors SafeTensors::read(const std::string& path) {
    return parse(readWholeFile(path, kMaxFileBytes, "safetensors"));
}

SafeTensors SafeTensors::map(const std::string& path) {
#if defined(__unix__) || defined(__APPLE__)
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("cannot open '" + path + "' (" + std::strerror(errno) + ")");
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        fail("'" + path + "' is not a regular file");
    }
    const auto size = static_cast<std::uint64_t>(info.st_size);
    if (size > kMaxMappedBytes) {
        ::close(fd);
        fail("'" + path + "' is too large (" + std::to_string(size) + " bytes, limit 64 GiB)");
    }
    if (size < 8) {
        ::close(fd);
        fail("the file is shorter than the 8-byte header length");
    }
    void* mapping = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);  // the mapping keeps the file open
    if (mapping == MAP_FAILED)
        fail("cannot map '" + path + "' into memory (" + std::strerror(errno) + ")");
    std::shared_ptr<const void> owner(mapping, [size](const void* p) {
        ::munmap(const_cast<void*>(p), static_cast<std::size_t>(size));
    });
    return parseView(std::move(owner), static_cast<const std::uint8_t*>(mapping), size);
#else
    return read(path);
#endif
}

const std::uint8_t* SafeTensors::bytes(const std::string& name) const {
    const auto it = entries_.find(name);
    if (it == entries_.end())
        fail("no tensor named '" + name + "'");
    return data_ + dataStart_ + it->second.begin;
}

std::vector<float> SafeTensors::toFloat(const std::string& name) const {
    const auto it = entries_.find(name);
    if (it == entries_.end())
        fail("no tensor named '" + name + "'");
    const TensorEntry& e = it->second;
    const std::uint8_t* p = data_ + dataStart_ + e.begin;
    const auto n = static_cast<std::size_t>(e.elementCount());
    std::vector<float> out(n);
    const auto width = static_cast<int>(dtypeBytes(e.dtype));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (e.dtype == DType::F32) {  // the common case, as stored
        if (n > 0)
            std::memcpy(out.data(), p, n * 4);
        return out;
    }
#endif
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t v = readLe(p + width * i, width);
        switch (e.dtype) {
        case DType::F32: out[i] = bitsFloat(static_cast<std::uint32_t>(v)); break;
        case DType::F16: out[i] = halfToFloat(static_cast<std::uint16_t>(v)); break;
        case DType::BF16: out[i] = bfloat16ToFloat(static_cast<std::uint16_t>(v)); break;
        case DType::F64: {
            double d;
            std::memcpy(&d, &v, 8);
            out[i] = static_cast<float>(d);
            break;
        }
        case DType::I64: out[i] = static_cast<float>(static_cast<std::int64_t>(v)); break;
        case DType::I32: out[i] = static_cast<float>(static_cast<std::int32_t>(static_cast<std::uint32_t>(v))); break;
        case DType::I16: out[i] = static_cast<float>(static_cast<std::int16_t>(static_cast<std::uint16_t>(v))); break;
        case DType::I8: out[i] = static_cast<float>(static_cast<std::int8_t>(static_cast<std::uint8_t>(v))); break;
        case DType::U8: out[i] = static_cast<float>(v); break;
        case DType::Bool: out[i] = v != 0 ? 1.0f : 0.0f; break;
        }
    }
    return out;
}

std::uint64_t SafeTensors::dataHash() const {
    return fnv1a64(data_ + dataStart_, static_cast<std::size_t>(size_ - dataStart_));
}

std::vector<std::uint8_t> SafeTensors::serialize(const std::map<std::string, Tensor>& tensors,
                                                 const std::map<std::string, std::string>& metadata) {
    json header = json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        std::int64_t count = 1;
        for (const auto d : t.shape) {
            if (d < 0)
                fail("cannot write tensor '" + name + "' with a negative dimension");
            count *= d;
        }
        if (static_cast<std::size_t>(count) != t.values.size())
            fail("cannot write tensor '" + name + "': its shape does not match its value count");
        const std::uint64_t size = static_cast<std::uint64_t>(count) * 4;
        header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + size}}};
        offset += size;
    }
    std::string text = header.dump();
    while (text.size() % 8 != 0)
        text.push_back(' ');
    std::vector<std::uint8_t> out;
    out.reserve(8 + text.size() + static_cast<std::size_t>(offset));
    const std::uint64_t n = text.size();
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    out.insert(out.end(), text.begin(), text.end());
    for (const auto& [name, t] : tensors) {
        for (const float v : t.values) {
            const std::uint32_t u = floatBits(v);
            for (int i = 0; i < 4; ++i)
                out.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
        }
    }
    return out;
}

void SafeTensors::write(const std::string& path, const std::map<std::string, Tensor>& tensors,
                        const std::map<std::string, std::string>& metadata) {
    writeFileAtomically(path, serialize(tensors, metadata), "safetensors");
}

}  // namespace sem::diffusion

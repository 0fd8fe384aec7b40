#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sem {

using Bytes = std::vector<std::uint8_t>;

// Appends little-endian integers and LEB128 varints to a byte buffer.
class ByteWriter {
public:
    void u8(std::uint8_t v) { buf_.push_back(v); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void varint(std::uint64_t v);
    void bytes(const std::uint8_t* data, std::size_t size);
    void bytes(const Bytes& b) { bytes(b.data(), b.size()); }
    const Bytes& data() const { return buf_; }
    Bytes take() { return std::move(buf_); }

private:
    Bytes buf_;
};

// Reads what ByteWriter wrote; every read is bounds-checked and throws sem::Error naming
// `context` (e.g. "edge stream") when the data ends early or a varint is malformed.
class ByteReader {
public:
    ByteReader(const std::uint8_t* data, std::size_t size, std::string context);
    explicit ByteReader(const Bytes& b, std::string context) : ByteReader(b.data(), b.size(), std::move(context)) {}

    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t varint();
    // A varint that must lie in [lo, hi]; `what` names the field in the error message.
    std::uint64_t varintInRange(std::uint64_t lo, std::uint64_t hi, std::string_view what);
    // Returns a pointer to the next `n` bytes and advances past them.
    const std::uint8_t* take(std::size_t n);
    Bytes takeBytes(std::size_t n);

    std::size_t position() const { return pos_; }
    std::size_t remaining() const { return size_ - pos_; }
    bool atEnd() const { return pos_ == size_; }
    [[noreturn]] void fail(std::string_view what) const;

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::string context_;
};

// Number of bytes varint(v) takes.
std::size_t varintSize(std::uint64_t v);

}  // namespace sem

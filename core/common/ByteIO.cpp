#include "core/common/ByteIO.h"

#include "core/common/Error.h"

namespace sem {

void ByteWriter::u16(std::uint16_t v)
{
    buf_.push_back(static_cast<std::uint8_t>(v & 0xff));
    buf_.push_back(static_cast<std::uint8_t>(v >> 8));
}

void ByteWriter::u32(std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        buf_.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xff));
}

void ByteWriter::varint(std::uint64_t v)
{
    while (v >= 0x80) {
        buf_.push_back(static_cast<std::uint8_t>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    buf_.push_back(static_cast<std::uint8_t>(v));
}

void ByteWriter::bytes(const std::uint8_t* data, std::size_t size)
{
    buf_.insert(buf_.end(), data, data + size);
}

ByteReader::ByteReader(const std::uint8_t* data, std::size_t size, std::string context)
    : data_(data), size_(size), context_(std::move(context))
{
}

void ByteReader::fail(std::string_view what) const
{
    throw Error(context_ + ": " + std::string(what) + " (at byte " + std::to_string(pos_) + ")");
}

std::uint8_t ByteReader::u8()
{
    if (remaining() < 1)
        fail("data ends early");
    return data_[pos_++];
}

std::uint16_t ByteReader::u16()
{
    const std::uint8_t* p = take(2);
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint32_t ByteReader::u32()
{
    const std::uint8_t* p = take(4);
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8)
        | (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::uint64_t ByteReader::varint()
{
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const std::uint8_t b = u8();
        if (shift == 63 && (b & 0x7e))
            fail("varint overflows 64 bits");
        v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    fail("varint longer than 10 bytes");
}

std::uint64_t ByteReader::varintInRange(std::uint64_t lo, std::uint64_t hi, std::string_view what)
{
    const std::size_t at = pos_;
    const std::uint64_t v = varint();
    if (v < lo || v > hi) {
        pos_ = at;
        fail(std::string(what) + " is " + std::to_string(v) + ", outside " + std::to_string(lo) + ".."
             + std::to_string(hi));
    }
    return v;
}

const std::uint8_t* ByteReader::take(std::size_t n)
{
    if (n > remaining())
        fail("data ends early: " + std::to_string(n) + " bytes needed, " + std::to_string(remaining())
             + " left");
    const std::uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
}

Bytes ByteReader::takeBytes(std::size_t n)
{
    const std::uint8_t* p = take(n);
    return Bytes(p, p + n);
}

std::size_t varintSize(std::uint64_t v)
{
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

}  // namespace sem

#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sem {

// An adaptive binary probability (12-bit, LZMA style): p = P(bit == 0) * 4096.
struct BitModel {
    std::uint16_t p = 2048;
};

// Binary range encoder in the style of LZMA's, with two byte savings that matter for payloads
// of a few dozen bytes: the always-zero first byte is not written, and the final flush writes
// only as many bytes as needed to land inside the final interval (trailing zero bytes dropped;
// the decoder reads zeros past the end). The caller stores the length.
class RangeEncoder {
public:
    void encode(BitModel& m, int bit);
    std::vector<std::uint8_t> finish();

private:
    void shiftLow();

    std::uint64_t low_ = 0;
    std::uint32_t range_ = 0xffffffffu;
    std::uint8_t cache_ = 0;
    std::uint64_t cacheSize_ = 1;
    bool first_ = true;
    std::vector<std::uint8_t> out_;
};

class RangeDecoder {
public:
    RangeDecoder(const std::uint8_t* data, std::size_t size);
    int decode(BitModel& m);

private:
    std::uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::uint32_t range_ = 0xffffffffu;
    std::uint32_t code_ = 0;
};

}  // namespace sem

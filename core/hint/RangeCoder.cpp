#include "core/hint/RangeCoder.h"

namespace sem {

namespace {
constexpr int kProbBits = 12;
constexpr int kMoveBits = 5;
constexpr std::uint32_t kTop = 1u << 24;
}  // namespace

void RangeEncoder::shiftLow()
{
    if (low_ < 0xff000000ull || low_ > 0xffffffffull) {
        const auto carry = static_cast<std::uint8_t>(low_ >> 32);
        std::uint8_t temp = cache_;
        do {
            if (first_)
                first_ = false;  // the first byte is always 0 (no carry can reach it): not written
            else
                out_.push_back(static_cast<std::uint8_t>(temp + carry));
            temp = 0xff;
        } while (--cacheSize_ != 0);
        cache_ = static_cast<std::uint8_t>(low_ >> 24);
    }
    ++cacheSize_;
    low_ = (low_ & 0x00ffffffull) << 8;
}

void RangeEncoder::encode(BitModel& m, int bit)
{
    const std::uint32_t bound = (range_ >> kProbBits) * m.p;
    if (bit == 0) {
        range_ = bound;
        m.p = static_cast<std::uint16_t>(m.p + (((1u << kProbBits) - m.p) >> kMoveBits));
    } else {
        low_ += bound;
        range_ -= bound;
        m.p = static_cast<std::uint16_t>(m.p - (m.p >> kMoveBits));
    }
    while (range_ < kTop) {
        range_ <<= 8;
        shiftLow();
    }
}

std::vector<std::uint8_t> RangeEncoder::finish()
{
    // Pick the value in [low, low + range) with the most trailing zero bits; the decoder reads
    // zeros past the end, so those bytes need not be written.
    const std::uint64_t hi = low_ + range_ - 1;
    for (int bits = 32; bits >= 0; --bits) {
        const std::uint64_t mask = bits == 0 ? 0 : ((1ull << bits) - 1);
        const std::uint64_t v = (low_ + mask) & ~mask;
        if (v <= hi) {
            low_ = v;
            break;
        }
    }
    for (int i = 0; i < 5; ++i)
        shiftLow();
    while (!out_.empty() && out_.back() == 0)
        out_.pop_back();
    return std::move(out_);
}

RangeDecoder::RangeDecoder(const std::uint8_t* data, std::size_t size) : data_(data), size_(size)
{
    for (int i = 0; i < 4; ++i)
        code_ = (code_ << 8) | next();
}

int RangeDecoder::decode(BitModel& m)
{
    const std::uint32_t bound = (range_ >> kProbBits) * m.p;
    int bit;
    if (code_ < bound) {
        range_ = bound;
        m.p = static_cast<std::uint16_t>(m.p + (((1u << kProbBits) - m.p) >> kMoveBits));
        bit = 0;
    } else {
        code_ -= bound;
        range_ -= bound;
        m.p = static_cast<std::uint16_t>(m.p - (m.p >> kMoveBits));
        bit = 1;
    }
    while (range_ < kTop) {
        range_ <<= 8;
        code_ = (code_ << 8) | next();
    }
    return bit;
}

}  // namespace sem

#pragma once
// Input layout shared by the fuzz targets that need an image size, and by the seed generator.
//   bytes 0-1: u16 little-endian a, bytes 2-3: u16 little-endian b
//   width = a % kMaxFuzzSide + 1, height = b % kMaxFuzzSide + 1 (1..512, so iterations stay fast)
//   the rest: the stream payload.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sem::fuzz {

constexpr int kMaxFuzzSide = 512;

struct SizedInput {
    int width = 0;
    int height = 0;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};

// False when the input is too short to hold the size prefix.
inline bool splitSized(const std::uint8_t* data, std::size_t size, SizedInput& out)
{
    if (size < 4)
        return false;
    const int a = data[0] | (data[1] << 8);
    const int b = data[2] | (data[3] << 8);
    out.width = a % kMaxFuzzSide + 1;
    out.height = b % kMaxFuzzSide + 1;
    out.data = data + 4;
    out.size = size - 4;
    return true;
}

// The prefix for a width x height image (1..kMaxFuzzSide each), followed by `payload`.
inline std::vector<std::uint8_t> sized(int width, int height, const std::vector<std::uint8_t>& payload)
{
    const int a = width - 1, b = height - 1;
    std::vector<std::uint8_t> out{static_cast<std::uint8_t>(a & 0xFF), static_cast<std::uint8_t>(a >> 8),
                                  static_cast<std::uint8_t>(b & 0xFF), static_cast<std::uint8_t>(b >> 8)};
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

}  // namespace sem::fuzz

#include "core/edges/ContextCoder.h"

extern "C" {
#include <jbig_ar.h>
}

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/Error.h"

namespace sem {

namespace {

constexpr int kPadLeft = 4;
constexpr int kPadRight = 2;
constexpr int kPadTop = 2;
constexpr int kStates = 113;

// A bitmap as 0/1 bytes with a zero border, so that the template never reads outside it.
class PaddedBits {
public:
    PaddedBits(int width, int height)
        : stride_(static_cast<std::size_t>(width) + kPadLeft + kPadRight),
          bits_((static_cast<std::size_t>(height) + kPadTop) * stride_, 0)
    {
    }
    std::uint8_t* row(int y) { return bits_.data() + static_cast<std::size_t>(y + kPadTop) * stride_ + kPadLeft; }

private:
    std::size_t stride_;
    std::vector<std::uint8_t> bits_;
};

inline int contextAt(const std::uint8_t* r2, const std::uint8_t* r1, const std::uint8_t* r0, int x)
{
    return r2[x - 1] | r2[x] << 1 | r2[x + 1] << 2 | r1[x - 2] << 3 | r1[x - 1] << 4 | r1[x] << 5 | r1[x + 1] << 6 |
           r1[x + 2] << 7 | r0[x - 4] << 8 | r0[x - 3] << 9 | r0[x - 2] << 10 | r0[x - 1] << 11;
}

PaddedBits padded(const cv::Mat& bitmap)
{
    PaddedBits bits(bitmap.cols, bitmap.rows);
    for (int y = 0; y < bitmap.rows; ++y) {
        const std::uint8_t* src = bitmap.ptr<std::uint8_t>(y);
        std::uint8_t* dst = bits.row(y);
        for (int x = 0; x < bitmap.cols; ++x)
            dst[x] = src[x] != 0 ? 1 : 0;
    }
    return bits;
}

void collectByte(int byte, void* sink)
{
    static_cast<std::vector<std::uint8_t>*>(sink)->push_back(static_cast<std::uint8_t>(byte));
}

// The T.82 probability-estimation state machine (Table 24), for fitting only; the coding itself is
// JBIG-KIT's. lsz: LPS interval size; nmps/nlps: next state; bit 7 of nlps: swap the MPS.
constexpr std::uint16_t kLsz[kStates] = {
    0x5a1d, 0x2586, 0x1114, 0x080b, 0x03d8, 0x01da, 0x00e5, 0x006f, 0x0036, 0x001a, 0x000d, 0x0006, 0x0003, 0x0001,
    0x5a7f, 0x3f25, 0x2cf2, 0x207c, 0x17b9, 0x1182, 0x0cef, 0x09a1, 0x072f, 0x055c, 0x0406, 0x0303, 0x0240, 0x01b1,
    0x0144, 0x00f5, 0x00b7, 0x008a, 0x0068, 0x004e, 0x003b, 0x002c, 0x5ae1, 0x484c, 0x3a0d, 0x2ef1, 0x261f, 0x1f33,
    0x19a8, 0x1518, 0x1177, 0x0e74, 0x0bfb, 0x09f8, 0x0861, 0x0706, 0x05cd, 0x04de, 0x040f, 0x0363, 0x02d4, 0x025c,
    0x01f8, 0x01a4, 0x0160, 0x0125, 0x00f6, 0x00cb, 0x00ab, 0x008f, 0x5b12, 0x4d04, 0x412c, 0x37d8, 0x2fe8, 0x293c,
    0x2379, 0x1edf, 0x1aa9, 0x174e, 0x1424, 0x119c, 0x0f6b, 0x0d51, 0x0bb6, 0x0a40, 0x5832, 0x4d1c, 0x438e, 0x3bdd,
    0x34ee, 0x2eae, 0x299a, 0x2516, 0x5570, 0x4ca9, 0x44d9, 0x3e22, 0x3824, 0x32b4, 0x2e17, 0x56a8, 0x4f46, 0x47e5,
    0x41cf, 0x3c3d, 0x375e, 0x5231, 0x4c0f, 0x4639, 0x415e, 0x5627, 0x50e7, 0x4b85, 0x5597, 0x504f, 0x5a10, 0x5522,
    0x59eb};
constexpr std::uint8_t kNmps[kStates] = {
    1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23,
    24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 9,  37, 38, 39, 40, 41, 42, 43, 44, 45, 46,
    47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 32, 65, 66, 67, 68, 69,
    70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 48, 81, 82, 83, 84, 85, 86, 87, 71, 89, 90, 91, 92,
    93, 94, 86, 96, 97, 98, 99, 100, 93, 102, 103, 104, 99, 106, 107, 103, 109, 107, 111, 109, 111};
constexpr std::uint8_t kNlps[kStates] = {
    129, 14,  16,  18,  20,  23,  25,  28,  30,  33,  35,  9,   10,  12,  143, 36,  38,  39,  40,  42,  43,  45,  46,
    48,  49,  51,  52,  54,  56,  57,  59,  60,  62,  63,  32,  33,  165, 64,  65,  67,  68,  69,  70,  72,  73,  74,
    75,  77,  78,  79,  48,  50,  50,  51,  52,  53,  54,  55,  56,  57,  58,  59,  61,  61,  193, 80,  81,  82,  83,
    84,  86,  87,  87,  72,  72,  74,  74,  75,  77,  77,  208, 88,  89,  90,  91,  92,  93,  86,  216, 95,  96,  97,
    99,  99,  93,  223, 101, 102, 103, 104, 99,  105, 106, 107, 103, 233, 108, 109, 110, 111, 238, 112, 240};

// Bits to code one pixel in a state, and how the state moves on. The interval register A lies in
// [0x8000, 0x10000) between symbols, so an LPS costs about -log2(lsz / 0xB000); an MPS moves the
// estimate on only when it renormalises A, i.e. about once per 0x8000 / lsz MPS symbols (modelled
// by a credit counter rather than at random).
class StateCost {
public:
    StateCost()
    {
        for (int s = 0; s < kStates; ++s) {
            const double p = std::min(0.5, kLsz[s] / 45056.0);
            lps_[s] = -std::log2(p);
            mps_[s] = -std::log2(1.0 - p);
        }
    }
    // Bits to code `bits` starting from `state` (bit 7 MPS, bits 0-6 estimator state).
    double cost(std::uint8_t state, const std::vector<std::uint8_t>& bits) const
    {
        int s = state & 0x7f;
        int mps = state >> 7;
        int credit = 0x4000;
        double total = 0;
        for (const std::uint8_t b : bits) {
            if (b == mps) {
                total += mps_[s];
                credit += kLsz[s];
                if (credit >= 0x8000) {
                    credit -= 0x8000;
                    s = kNmps[s];
                }
            } else {
                total += lps_[s];
                const int next = kNlps[s];
                if (next & 0x80)
                    mps = 1 - mps;
                s = next & 0x7f;
                credit = 0x4000;
            }
        }
        return total;
    }

private:
    double lps_[kStates];
    double mps_[kStates];
};

}  // namespace

bool ContextCoder::valid(const Table& table)
{
    return std::all_of(table.begin(), table.end(), [](std::uint8_t s) { return (s & 0x7f) < kStates; });
}

std::vector<std::uint8_t> ContextCoder::encode(const cv::Mat& bitmap, const Table& table)
{
    if (bitmap.empty() || bitmap.type() != CV_8UC1)
        throw Error("context coder: expected a non-empty 8-bit bitmap.");
    if (!valid(table))
        throw Error("context coder: the context table holds an invalid state.");
    PaddedBits bits = padded(bitmap);
    std::vector<std::uint8_t> out;
    jbg_arenc_state s;
    std::copy(table.begin(), table.end(), s.st);
    s.byte_out = collectByte;
    s.file = &out;
    arith_encode_init(&s, 1);
    for (int y = 0; y < bitmap.rows; ++y) {
        const std::uint8_t* r2 = bits.row(y - 2);
        const std::uint8_t* r1 = bits.row(y - 1);
        const std::uint8_t* r0 = bits.row(y);
        for (int x = 0; x < bitmap.cols; ++x)
            arith_encode(&s, contextAt(r2, r1, r0, x), r0[x]);
    }
    arith_encode_flush(&s);
    return out;
}

cv::Mat ContextCoder::decode(const std::uint8_t* data, std::size_t size, int width, int height, const Table& table,
                             const char* context)
{
    const std::string where = context;
    if (width < 1 || height < 1)
        throw Error(where + ": empty bitmap size.");
    if (data == nullptr && size != 0)
        throw Error(where + ": no data.");
    if (!valid(table))
        throw Error(where + ": the context table holds an invalid state.");
    // A marker after the data makes the decoder pad with zero bytes, as the encoder's flush assumes.
    std::vector<std::uint8_t> stream(data, data + size);
    stream.push_back(0xFF);
    stream.push_back(0x02);
    jbg_ardec_state s;
    std::copy(table.begin(), table.end(), s.st);
    arith_decode_init(&s, 1);
    s.pscd_ptr = stream.data();
    s.pscd_end = stream.data() + stream.size();

    PaddedBits bits(width, height);
    cv::Mat bitmap(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* r2 = bits.row(y - 2);
        const std::uint8_t* r1 = bits.row(y - 1);
        std::uint8_t* r0 = bits.row(y);
        std::uint8_t* out = bitmap.ptr<std::uint8_t>(y);
        for (int x = 0; x < width; ++x) {
            const int pix = arith_decode(&s, contextAt(r2, r1, r0, x));
            if (pix < 0)
                throw Error(where + ": the arithmetic decoder ran out of data.");
            r0[x] = static_cast<std::uint8_t>(pix);
            out[x] = pix ? 255 : 0;
        }
    }
    // Arithmetic decoding accepts any bytes; a stream other than the one the encoder writes for
    // this bitmap (e.g. with bytes appended) is refused.
    if (encode(bitmap, table) != std::vector<std::uint8_t>(data, data + size))
        throw Error(where + ": the data is not the coding of a " + std::to_string(width) + "x" +
                    std::to_string(height) + " map (bytes were appended or altered).");
    return bitmap;
}

ContextCoder::Table ContextCoder::fit(const std::vector<cv::Mat>& bitmaps)
{
    // cost[c][i]: bits to code context c's pixels from candidate state i (MPS = i / kStates).
    std::vector<std::array<double, 2 * kStates>> cost(kContexts);
    std::vector<char> seen(kContexts, 0);
    for (auto& row : cost)
        row.fill(0.0);
    const StateCost model;
    std::vector<std::vector<std::uint8_t>> sequences(kContexts);
    for (const cv::Mat& bitmap : bitmaps) {
        if (bitmap.empty() || bitmap.type() != CV_8UC1)
            throw Error("context fit: expected non-empty 8-bit bitmaps.");
        for (auto& seq : sequences)
            seq.clear();
        PaddedBits bits = padded(bitmap);
        for (int y = 0; y < bitmap.rows; ++y) {
            const std::uint8_t* r2 = bits.row(y - 2);
            const std::uint8_t* r1 = bits.row(y - 1);
            const std::uint8_t* r0 = bits.row(y);
            for (int x = 0; x < bitmap.cols; ++x) {
                std::vector<std::uint8_t>& seq = sequences[static_cast<std::size_t>(contextAt(r2, r1, r0, x))];
                if (seq.size() < kFitPrefix)
                    seq.push_back(r0[x]);
            }
        }
        for (int c = 0; c < kContexts; ++c) {
            const auto& seq = sequences[static_cast<std::size_t>(c)];
            if (seq.empty())
                continue;
            seen[static_cast<std::size_t>(c)] = 1;
            for (int i = 0; i < 2 * kStates; ++i) {
                const auto state = static_cast<std::uint8_t>((i % kStates) | (i / kStates) << 7);
                cost[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)] += model.cost(state, seq);
            }
        }
    }
    Table table{};
    for (int c = 0; c < kContexts; ++c) {
        if (!seen[static_cast<std::size_t>(c)])
            continue;
        const auto& row = cost[static_cast<std::size_t>(c)];
        const auto best = static_cast<int>(std::min_element(row.begin(), row.end()) - row.begin());
        table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>((best % kStates) | (best / kStates) << 7);
    }
    return table;
}

}  // namespace sem

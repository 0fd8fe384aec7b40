#include "core/text/TextCodec.h"

#include "core/common/ByteIO.h"
#include "core/common/Error.h"
#include "core/text/CaptionDictionary.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>

namespace sem {

namespace {

[[noreturn]] void fail(const std::string& what)
{
    throw Error("caption stream: " + what);
}

Bytes storedEncode(std::string_view s)
{
    Bytes out(s.size() + 1, TextCodec::kMethodStored);  // the method byte, then the text
    std::copy(s.begin(), s.end(), out.begin() + 1);
    return out;
}

Bytes deflateEncode(std::string_view s)
{
    z_stream z{};
    if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        fail("cannot initialise the deflate encoder.");
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(kCaptionDictionary),
                         static_cast<uInt>(kCaptionDictionarySize));
    Bytes out(1 + deflateBound(&z, static_cast<uLong>(s.size())) + 16);
    out[0] = TextCodec::kMethodDeflateDict1;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = out.data() + 1;
    z.avail_out = static_cast<uInt>(out.size() - 1);
    const int rc = deflate(&z, Z_FINISH);
    const std::size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        fail("the deflate encoder did not finish.");
    out.resize(1 + n);
    return out;
}

Bytes brotliEncode(std::string_view s)
{
    Bytes out(1 + BrotliEncoderMaxCompressedSize(s.size()) + 16);
    out[0] = TextCodec::kMethodBrotli;
    BrotliEncoderState* st = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
    if (!st)
        fail("cannot initialise the brotli encoder.");
    BrotliEncoderSetParameter(st, BROTLI_PARAM_QUALITY, 11);
    BrotliEncoderSetParameter(st, BROTLI_PARAM_LGWIN, 11);  // 2 KB window covers kMaxCaptionBytes
    BrotliEncoderSetParameter(st, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT);
    std::size_t availIn = s.size();
    const std::uint8_t* nextIn = reinterpret_cast<const std::uint8_t*>(s.data());
    std::size_t availOut = out.size() - 1;
    std::uint8_t* nextOut = out.data() + 1;
    const bool ok = BrotliEncoderCompressStream(st, BROTLI_OPERATION_FINISH, &availIn, &nextIn, &availOut,
                                                &nextOut, nullptr)
        && BrotliEncoderIsFinished(st);
    BrotliEncoderDestroyInstance(st);
    if (!ok)
        fail("the brotli encoder did not finish.");
    out.resize(out.size() - availOut);
    return out;
}

std::string inflateDecode(const std::uint8_t* data, std::size_t size)
{
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK)
        fail("cannot initialise the deflate decoder.");
    if (inflateSetDictionary(&z, reinterpret_cast<const Bytef*>(kCaptionDictionary),
                             static_cast<uInt>(kCaptionDictionarySize)) != Z_OK) {
        inflateEnd(&z);
        fail("cannot set the deflate dictionary.");
    }
    // One byte more than the limit: filling it means the caption is too long, and inflate
    // never writes past the buffer, so a bomb costs at most this much memory.
    std::string out(TextCodec::kMaxCaptionBytes + 1, '\0');
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = static_cast<uInt>(size);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const std::size_t produced = z.total_out;
    const std::size_t leftIn = z.avail_in;
    inflateEnd(&z);
    if (produced > TextCodec::kMaxCaptionBytes)
        fail("decompressed caption exceeds " + std::to_string(TextCodec::kMaxCaptionBytes) + " bytes.");
    if (rc == Z_DATA_ERROR)
        fail("corrupt deflate data.");
    if (rc != Z_STREAM_END)
        fail("deflate data truncated.");
    if (leftIn != 0)
        fail(std::to_string(leftIn) + " bytes of trailing data after the deflate stream.");
    out.resize(produced);
    return out;
}

// The brotli decoder allocates through this, capped: a crafted stream declaring a large
// window must not make it allocate megabytes.
struct CappedAllocator {
    static constexpr std::size_t kCap = 256 * 1024;
    std::size_t used = 0;

    static void* alloc(void* opaque, std::size_t n)
    {
        auto* self = static_cast<CappedAllocator*>(opaque);
        if (n > kCap - self->used)
            return nullptr;
        auto* block = static_cast<std::size_t*>(std::malloc(n + sizeof(std::max_align_t)));
        if (!block)
            return nullptr;
        *block = n;
        self->used += n;
        return reinterpret_cast<char*>(block) + sizeof(std::max_align_t);
    }
    static void release(void* opaque, void* p)
    {
        if (!p)
            return;
        auto* self = static_cast<CappedAllocator*>(opaque);
        auto* block = reinterpret_cast<std::size_t*>(static_cast<char*>(p) - sizeof(std::max_align_t));
        self->used -= *block;
        std::free(block);
    }
};

std::string brotliDecode(const std::uint8_t* data, std::size_t size)
{
    CappedAllocator allocator;
    BrotliDecoderState* st = BrotliDecoderCreateInstance(&CappedAllocator::alloc, &CappedAllocator::release, &allocator);
    if (!st)
        fail("cannot initialise the brotli decoder.");
    std::string out(TextCodec::kMaxCaptionBytes + 1, '\0');
    std::size_t availIn = size;
    const std::uint8_t* nextIn = data;
    std::size_t availOut = out.size();
    auto* nextOut = reinterpret_cast<std::uint8_t*>(out.data());
    const BrotliDecoderResult rc = BrotliDecoderDecompressStream(st, &availIn, &nextIn, &availOut, &nextOut, nullptr);
    const BrotliDecoderErrorCode code = BrotliDecoderGetErrorCode(st);
    BrotliDecoderDestroyInstance(st);
    const std::size_t produced = out.size() - availOut;
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT || produced > TextCodec::kMaxCaptionBytes)
        fail("decompressed caption exceeds " + std::to_string(TextCodec::kMaxCaptionBytes) + " bytes.");
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
        fail("brotli data truncated.");
    if (rc != BROTLI_DECODER_RESULT_SUCCESS && code <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES
        && code >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES)
        fail("brotli stream needs more memory than a caption may use (its window is too large).");
    if (rc != BROTLI_DECODER_RESULT_SUCCESS)
        fail(std::string("corrupt brotli data (") + BrotliDecoderErrorString(code) + ").");
    if (availIn != 0)
        fail(std::to_string(availIn) + " bytes of trailing data after the brotli stream.");
    out.resize(produced);
    return out;
}

}  // namespace

bool TextCodec::isValidUtf8(std::string_view s)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        std::uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1fu;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0fu;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07u;
        } else {
            return false;  // continuation byte, overlong lead C0/C1, or F5..FF
        }
        if (n - i < len)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return false;  // overlong
        if (cp >= 0xd800 && cp <= 0xdfff)
            return false;  // surrogate
        if (cp > 0x10ffff)
            return false;
        i += len;
    }
    return true;
}

std::vector<std::uint8_t> TextCodec::encode(std::string_view utf8)
{
    if (utf8.size() > kMaxCaptionBytes)
        fail("caption is " + std::to_string(utf8.size()) + " bytes, over the limit of "
             + std::to_string(kMaxCaptionBytes) + ".");
    if (!isValidUtf8(utf8))
        fail("caption is not valid UTF-8.");
    if (utf8.empty())
        return {};
    // Deflate with the English dictionary; text it cannot shrink (other languages) is stored.
    Bytes packed = deflateEncode(utf8);
    if (packed.size() > utf8.size() + 1)
        return storedEncode(utf8);
    return packed;
}

std::vector<std::uint8_t> TextCodec::encodeWith(std::string_view utf8, std::uint8_t method)
{
    if (utf8.size() > kMaxCaptionBytes)
        fail("caption is " + std::to_string(utf8.size()) + " bytes, over the limit of "
             + std::to_string(kMaxCaptionBytes) + ".");
    if (!isValidUtf8(utf8))
        fail("caption is not valid UTF-8.");
    switch (method) {
    case kMethodStored:
        return storedEncode(utf8);
    case kMethodBrotli:
        return brotliEncode(utf8);
    case kMethodDeflateDict1:
        return deflateEncode(utf8);
    default:
        fail("unknown method id " + std::to_string(method) + ".");
    }
}

std::string TextCodec::decode(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return {};
    const std::uint8_t method = data[0];
    std::string text;
    switch (method) {
    case kMethodStored:
        if (size - 1 > kMaxCaptionBytes)
            fail("stored caption is " + std::to_string(size - 1) + " bytes, over the limit of "
                 + std::to_string(kMaxCaptionBytes) + ".");
        text.assign(reinterpret_cast<const char*>(data + 1), size - 1);
        break;
    case kMethodBrotli:
        text = brotliDecode(data + 1, size - 1);
        break;
    case kMethodDeflateDict1:
        text = inflateDecode(data + 1, size - 1);
        break;
    default:
        fail("unknown method id " + std::to_string(method) + ".");
    }
    if (!isValidUtf8(text))
        fail("decoded caption is not valid UTF-8.");
    return text;
}

}  // namespace sem

#pragma once
#include <cstddef>

namespace sem {

// The preset dictionary of TextCodec's deflate method (generated, see CaptionDictionaryBuilder).
// Changing its bytes changes the meaning of existing payloads: a new dictionary needs a new
// method id in TextCodec.
extern const char kCaptionDictionary[];
extern const std::size_t kCaptionDictionarySize;

}  // namespace sem

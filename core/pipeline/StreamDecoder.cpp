#include "core/pipeline/StreamDecoder.h"

#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "core/hint/HintCodec.h"
#include "core/text/TextCodec.h"

namespace sem {

DecodedStreams StreamDecoder::decode(const SemFile& file)
{
    DecodedStreams s;
    if (file.edges)
        s.edges = EdgeCodec::decode(file.edges->data(), file.edges->size(), file.width, file.height);
    if (file.caption)
        s.caption = TextCodec::decode(file.caption->data(), file.caption->size());
    if (file.hint) {
        s.hintThumbnail = HintCodec::decodeThumbnail(file.hint->data(), file.hint->size(), file.width, file.height);
        s.hintUpsampled = HintCodec::upsample(s.hintThumbnail, file.width, file.height);
    }
    if (file.metadata) {
        const std::string json = file.metadataJson();
        if (!nlohmann::json::accept(json))
            throw Error(".sem: metadata is not valid JSON");
    }
    return s;
}

}  // namespace sem

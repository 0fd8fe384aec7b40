#include "core/edges/EdgeCodec.h"

extern "C" {
#include <jbig.h>
}

#include <algorithm>
#include <string>

#include "core/common/ByteIO.h"
#include "core/common/Error.h"
#include "core/edges/ContextCoder.h"
#include "core/edges/EdgeContextTables.h"

namespace sem {

namespace {

constexpr const char* kContext = "edge stream";
constexpr std::uint8_t kSdnorm[2] = {0xFF, 0x02};

struct Profile {
    JbigOptions options;
    const char* name;
};

// All profiles: one resolution layer, the whole map in one stripe (no per-stripe coder flush and
// marker), fixed template (JBIG-KIT's adaptive template never moved on edge maps; see
// docs/bench/edges.md). Profile 0 was the smallest of them on BSDS500 val at scales 1 and 1/4; the
// encoder now writes the trained-context profile 4 unless profile 0 is smaller.
const Profile kProfiles[EdgeCodec::kJbigProfileCount] = {
    {{0, 0, 0, 0}, "3-line template, no TPB, 1 stripe"},
    {{0, JBG_TPBON, 0, 0}, "3-line template, TPB, 1 stripe"},
    {{0, JBG_LRLTWO, 0, 0}, "2-line template, no TPB, 1 stripe"},
    {{0, JBG_LRLTWO | JBG_TPBON, 0, 0}, "2-line template, TPB, 1 stripe"},
};

int log2Scale(int d)
{
    switch (d) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    default:
        throw Error("edge stream: scale denominator " + std::to_string(d) + " is not 1, 2, 4 or 8.");
    }
}

void checkMap(const EdgeMap& map)
{
    if (map.planes.size() != 1 && map.planes.size() != 3)
        throw Error("edge stream: an edge map needs 1 or 3 planes, not " + std::to_string(map.planes.size()) + ".");
    log2Scale(map.scaleDenominator);
    if (map.width < 1 || map.height < 1 || map.width > EdgeCodec::kMaxMapSide || map.height > EdgeCodec::kMaxMapSide)
        throw Error("edge stream: map size " + std::to_string(map.width) + "x" + std::to_string(map.height) +
                    " is out of range.");
    for (const cv::Mat& p : map.planes)
        if (p.rows != map.height || p.cols != map.width || p.type() != CV_8UC1)
            throw Error("edge stream: a plane is not an 8-bit " + std::to_string(map.width) + "x" +
                        std::to_string(map.height) + " bitmap.");
}

// A plane's BIE without the BIH and the final SDNORM marker, which the decoder rebuilds.
std::vector<std::uint8_t> jbigPlaneBody(const cv::Mat& plane, const JbigOptions& options)
{
    const std::vector<std::uint8_t> bih = JbigCoder::header(plane.cols, plane.rows, options);
    const std::vector<std::uint8_t> bie = JbigCoder::encode(plane, options);
    // The decoder rebuilds what is stripped here, so it must be exactly what we expect.
    if (bie.size() < bih.size() + 2 || !std::equal(bih.begin(), bih.end(), bie.begin()) ||
        bie[bie.size() - 2] != kSdnorm[0] || bie[bie.size() - 1] != kSdnorm[1])
        throw Error("edge stream: JBIG-KIT wrote an unexpected header or ending (library version mismatch?).");
    return std::vector<std::uint8_t>(bie.begin() + static_cast<std::ptrdiff_t>(bih.size()), bie.end() - 2);
}

// The inverse: rebuilds the BIE around `body` and decodes it.
cv::Mat jbigPlane(const std::uint8_t* body, std::size_t n, int width, int height, const JbigOptions& options)
{
    std::vector<std::uint8_t> bie = JbigCoder::header(width, height, options);
    bie.insert(bie.end(), body, body + n);
    bie.insert(bie.end(), kSdnorm, kSdnorm + 2);
    return JbigCoder::decode(bie.data(), bie.size(), width, height, kContext);
}

}  // namespace

JbigOptions EdgeCodec::profileOptions(int profile)
{
    if (profile < 0 || profile >= kJbigProfileCount)
        throw Error("edge stream: JBIG profile " + std::to_string(profile) + " is unknown.");
    return kProfiles[profile].options;
}

const char* EdgeCodec::profileName(int profile)
{
    if (profile == kContextProfile)
        return "trained 12-pixel contexts, JBIG-KIT arithmetic coder";
    if (profile < 0 || profile >= kJbigProfileCount)
        throw Error("edge stream: profile " + std::to_string(profile) + " is unknown.");
    return kProfiles[profile].name;
}

std::vector<std::uint8_t> EdgeCodec::encode(const EdgeMap& map)
{
    std::vector<std::uint8_t> best = encode(map, kContextProfile);
    std::vector<std::uint8_t> jbig = encode(map, 0);
    return jbig.size() < best.size() ? jbig : best;
}

std::vector<std::uint8_t> EdgeCodec::encode(const EdgeMap& map, int profile)
{
    checkMap(map);
    if (profile < 0 || profile >= kProfileCount)
        throw Error("edge stream: profile " + std::to_string(profile) + " is unknown.");
    ByteWriter w;
    w.u8(static_cast<std::uint8_t>(log2Scale(map.scaleDenominator) | (map.planes.size() << 2) | (profile << 4)));
    for (const cv::Mat& plane : map.planes) {
        const std::vector<std::uint8_t> body = profile == kContextProfile
                                                   ? ContextCoder::encode(plane, edgeContextTable(map.scaleDenominator))
                                                   : jbigPlaneBody(plane, profileOptions(profile));
        w.varint(body.size());
        w.bytes(body.data(), body.size());
    }
    return w.take();
}

EdgeMap EdgeCodec::decode(const std::uint8_t* data, std::size_t size, int imageWidth, int imageHeight)
{
    if (imageWidth < 1 || imageHeight < 1 || imageWidth > kMaxMapSide || imageHeight > kMaxMapSide)
        throw Error("edge stream: image size " + std::to_string(imageWidth) + "x" + std::to_string(imageHeight) +
                    " is out of range.");
    if (data == nullptr && size != 0)
        throw Error("edge stream: no data.");
    ByteReader r(data, size, kContext);
    if (size == 0)
        throw Error("edge stream: the stream is empty.");
    const std::uint8_t head = r.u8();
    if (head & 0x80)
        throw Error("edge stream: the header uses a reserved bit (a newer format?).");
    const int d = 1 << (head & 3);
    const int planeCount = (head >> 2) & 3;
    const int profile = (head >> 4) & 7;
    if (planeCount != 1 && planeCount != 3)
        throw Error("edge stream: the header declares " + std::to_string(planeCount) + " planes; only 1 or 3 are valid.");
    if (profile >= kProfileCount)
        throw Error("edge stream: profile " + std::to_string(profile) + " is unknown (a newer format?).");

    EdgeMap map;
    map.scaleDenominator = d;
    map.width = edgeMapSide(imageWidth, d);
    map.height = edgeMapSide(imageHeight, d);
    for (int i = 0; i < planeCount; ++i) {
        const std::size_t n = static_cast<std::size_t>(r.varintInRange(0, r.remaining(), "plane length"));
        const std::uint8_t* body = r.take(n);
        map.planes.push_back(profile == kContextProfile
                                 ? ContextCoder::decode(body, n, map.width, map.height, edgeContextTable(d), kContext)
                                 : jbigPlane(body, n, map.width, map.height, kProfiles[profile].options));
    }
    if (!r.atEnd())
        throw Error("edge stream: " + std::to_string(r.remaining()) + " unexpected bytes follow the last plane.");
    return map;
}

}  // namespace sem

#include "core/pipeline/RateLadder.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>

#include "core/common/Error.h"
#include "core/edges/EdgeCodec.h"
#include "core/edges/EdgeExtractor.h"

namespace sem {

namespace {

// semc eval's sweep on the 71 validation photos (docs/RESULTS.md, session 7's run/eval13), mean bpp
// without caption and PSNR of the fidelity decode with model 647643c7a6cb63b9: 0.0055/17.28, 0.0066/17.56, 0.0090/18.11,
// 0.0101/18.26, 0.0113/18.64, 0.0133/18.96, 0.0159/19.28, 0.0206/19.65, 0.0258/19.92,
// 0.0291/20.20, 0.0354/20.54, 0.0436/20.87, 0.0581/21.29.
const char* const kLadder = "8:32:400,8:32:300,8:16:400,4:16:400:16,8:8q2:400,8:8q5:400,8:8:400,8:8q20:400,"
                            "8:8q30:400,8:4:400,8:4q5:400,8:4q10:400,8:4q20:400";

}  // namespace

const std::vector<OperatingPoint>& RateLadder::rungs()
{
    static const std::vector<OperatingPoint> ladder = parseOperatingPoints(kLadder);
    return ladder;
}

std::string RateLadder::pointList()
{
    return kLadder;
}

std::string RateLadder::sdPointList()
{
    return "0:16,0:8,4:32,4:16,4:8,2:16,2:8,1:16,1:8";
}

int RateLadder::lastFitting(const std::vector<double>& sizes, double budget)
{
    int pick = -1;
    for (std::size_t i = 0; i < sizes.size(); ++i)
        if (sizes[i] <= budget)
            pick = static_cast<int>(i);
    return pick;
}

LadderResult RateLadder::encodeWithin(const cv::Mat& bgr, const EncodeOptions& base, std::size_t maxBytes,
                                      const std::vector<OperatingPoint>& ladder, bool fill)
{
    if (ladder.empty())
        throw Error("encode: the rate ladder has no operating points");
    // Every rung is encoded (the sizes are not monotone per image: a finer hint can cost less than
    // a coarser one with denser edges), then the last one that fits is kept. Rungs share edge
    // settings and hint factors, so each edge map and each thumbnail is made once: the same bytes as
    // Encoder::encode at every rung.
    struct Edges {
        CannyParams params;
        EdgeMap map;
        std::vector<std::uint8_t> stream;
    };
    std::vector<Edges> edgeCache;
    std::map<int, cv::Mat> thumbnails;  // by hint factor
    std::vector<std::size_t> edgeOf(ladder.size());
    std::vector<LadderResult> encoded(ladder.size());
    std::vector<double> sizes(ladder.size());
    for (std::size_t i = 0; i < ladder.size(); ++i) {
        EncodeOptions o = base;
        ladder[i].apply(o);
        Encoder::validate(bgr, o);
        auto edges = std::find_if(edgeCache.begin(), edgeCache.end(),
                                  [&](const Edges& e) { return e.params == o.canny; });
        if (edges == edgeCache.end()) {
            Edges made{o.canny, EdgeExtractor::extract(bgr, o.canny), {}};
            made.stream = EdgeCodec::encode(made.map);
            edges = edgeCache.insert(edgeCache.end(), std::move(made));
        }
        edgeOf[i] = static_cast<std::size_t>(edges - edgeCache.begin());
        std::vector<std::uint8_t> hint;
        if (o.hint.factor > 0) {
            cv::Mat& thumb = thumbnails[o.hint.factor];
            if (thumb.empty())
                thumb = HintCodec::makeThumbnail(bgr, o.hint.factor);
            const int quality = o.hint.quality == -1 ? HintCodec::defaultQuality(o.hint.factor) : o.hint.quality;
            hint = HintCodec::encodeThumbnail(thumb, o.hint.factor, quality);
        }
        encoded[i].result = Encoder::assemble(bgr.size(), o, edges->map, edges->stream, std::move(hint));
        encoded[i].rung = static_cast<int>(i);
        encoded[i].point = ladder[i];
        encoded[i].bytes = encoded[i].result.file.serialize().size();
        sizes[i] = static_cast<double>(encoded[i].bytes);
    }
    const int pick = lastFitting(sizes, static_cast<double>(maxBytes));
    if (pick < 0) {
        std::size_t smallest = encoded[0].bytes;
        for (const LadderResult& e : encoded)
            smallest = std::min(smallest, e.bytes);
        std::ostringstream m;
        m << "encode: no operating point fits in " << maxBytes << " bytes; the smallest file is " << smallest
          << " bytes (" << std::setprecision(3)
          << static_cast<double>(smallest) * 8.0 / (static_cast<double>(bgr.cols) * bgr.rows) << " bpp)";
        throw Error(m.str());
    }
    LadderResult chosen = std::move(encoded[static_cast<std::size_t>(pick)]);
    const OperatingPoint& rung = ladder[static_cast<std::size_t>(pick)];
    if (fill && rung.hint > 0) {
        // The highest hint quality whose file still fits, by bisection over (q, 100] (the size grows
        // with the quality, nearly always; only a file that fits is ever kept).
        EncodeOptions o = base;
        rung.apply(o);
        const int q0 = o.hint.quality == -1 ? HintCodec::defaultQuality(o.hint.factor) : o.hint.quality;
        const Edges& edges = edgeCache[edgeOf[static_cast<std::size_t>(pick)]];
        const cv::Mat& thumb = thumbnails[o.hint.factor];
        int lo = q0, hi = 100;
        while (lo < hi) {
            const int mid = (lo + hi + 1) / 2;
            o.hint.quality = mid;
            EncodeResult r = Encoder::assemble(bgr.size(), o, edges.map, edges.stream,
                                               HintCodec::encodeThumbnail(thumb, o.hint.factor, mid));
            const std::size_t bytes = r.file.serialize().size();
            if (bytes <= maxBytes) {
                lo = mid;
                chosen.result = std::move(r);
                chosen.bytes = bytes;
                chosen.point.hintQuality = mid;
                chosen.rungQuality = q0;
            } else {
                hi = mid - 1;
            }
        }
    }
    for (const double size : sizes)
        chosen.sizes.push_back(static_cast<std::size_t>(size));
    return chosen;
}

}  // namespace sem

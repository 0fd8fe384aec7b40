#include "cli/RateBudget.h"

#include <cmath>
#include <sstream>

#include "cli/Options.h"
#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/hint/HintCodec.h"

namespace sem::cli {
namespace {

// The settings a rung gives on top of `base`, as the encoder uses them.
EncodeOptions applied(const LadderResult& chosen, const EncodeOptions& base)
{
    EncodeOptions o = base;
    RateLadder::rungs()[static_cast<std::size_t>(chosen.rung)].apply(o);
    if (o.hint.factor > 0 && o.hint.quality == -1)
        o.hint.quality = HintCodec::defaultQuality(o.hint.factor);
    return o;
}

}  // namespace

void RateBudget::addOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {"target-bpp", "Pick the edge and hint settings for this size: the best of the measured operating\n"
                       "points (docs/RESULTS.md) whose file has at most B bits per pixel; sets --scale,\n"
                       "--low/--high, --min-length, --hint and --hint-quality.", "B"},
        {"max-bytes", "As --target-bpp, for a file of at most N bytes.", "N"},
    });
}

RateBudget RateBudget::fromOptions(const QCommandLineParser& parser)
{
    const bool budgeted = parser.isSet("target-bpp") || parser.isSet("max-bytes");
    if (parser.isSet("target-bpp") && parser.isSet("max-bytes"))
        throw Error("--target-bpp and --max-bytes exclude each other");
    for (const char* o : {"scale", "low", "high", "auto", "min-length", "hint", "hint-quality"})
        if (budgeted && parser.isSet(o))
            throw Error(std::string("--") + (parser.isSet("target-bpp") ? "target-bpp" : "max-bytes") +
                        " chooses the edge and hint settings; leave out --" + o);
    RateBudget b;
    if (parser.isSet("target-bpp"))
        b.targetBpp_ = Options::toDouble(parser, "target-bpp", 0.0001, 64.0);
    if (parser.isSet("max-bytes"))
        b.maxBytes_ = Options::toInt(parser, "max-bytes", 1, 1LL << 40);
    return b;
}

std::size_t RateBudget::bytesFor(const cv::Mat& bgr) const
{
    if (maxBytes_ > 0)
        return static_cast<std::size_t>(maxBytes_);
    const double pixels = static_cast<double>(bgr.cols) * bgr.rows;
    return static_cast<std::size_t>(std::floor(targetBpp_ * pixels / 8.0));
}

LadderResult RateBudget::encode(const cv::Mat& bgr, const EncodeOptions& base) const
{
    if (!active()) {
        LadderResult asGiven;
        asGiven.result = Encoder::encode(bgr, base);
        asGiven.bytes = asGiven.result.file.breakdown().total;
        return asGiven;
    }
    return RateLadder::encodeWithin(bgr, base, bytesFor(bgr));
}

nlohmann::json RateBudget::json(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const
{
    const EncodeOptions o = applied(chosen, base);
    const std::size_t next = static_cast<std::size_t>(chosen.rung) + 1;
    const bool edges = RateLadder::rungs()[static_cast<std::size_t>(chosen.rung)].hasEdges();
    nlohmann::json j = {
        {"rung", chosen.rung + 1},
        {"of", RateLadder::rungs().size()},
        {"point", RateLadder::rungs()[static_cast<std::size_t>(chosen.rung)].point()},
        {"edge_scale", edges ? nlohmann::json(o.canny.scaleDenominator) : nlohmann::json()},
        {"canny_low", edges ? nlohmann::json(o.canny.low) : nlohmann::json()},
        {"canny_high", edges ? nlohmann::json(o.canny.high) : nlohmann::json()},
        {"min_length", edges ? nlohmann::json(o.canny.minLength) : nlohmann::json()},
        {"hint_factor", o.hint.factor},
        {"hint_quality", o.hint.factor > 0 ? nlohmann::json(o.hint.quality) : nlohmann::json()},
        {"bytes", chosen.bytes},
        {"budget_bytes", bytesFor(bgr)},
        {"budget_from", maxBytes_ > 0 ? "max_bytes" : "target_bpp"},
        {"next_rung_bytes", next < chosen.sizes.size() ? nlohmann::json(chosen.sizes[next]) : nlohmann::json()},
    };
    return j;
}

std::string RateBudget::describe(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const
{
    const EncodeOptions o = applied(chosen, base);
    const OperatingPoint& p = RateLadder::rungs()[static_cast<std::size_t>(chosen.rung)];
    const std::size_t budget = bytesFor(bgr);
    std::ostringstream s;
    s << "operating point " << chosen.rung + 1 << " of " << RateLadder::rungs().size() << ": " << p.point()
      << " (SCALE:HINT:HIGH[:MINLEN]): ";
    if (p.hasEdges())
        s << "edges at 1/" << o.canny.scaleDenominator << " scale, Canny " << Report::fixed(o.canny.low, 0) << "/"
          << Report::fixed(o.canny.high, 0) << (o.canny.minLength > 0 ? ", fragments under " +
                                                   std::to_string(o.canny.minLength) + " px dropped" : std::string());
    else
        s << "no edges";
    if (o.hint.factor > 0)
        s << ", hint 1/" << o.hint.factor << " at quality " << o.hint.quality;
    s << "\n  chosen as the highest of the " << RateLadder::rungs().size() << " rungs that fits: " << chosen.bytes
      << " bytes within the budget of " << budget << " bytes";
    if (maxBytes_ == 0)
        s << " (" << Report::fixed(targetBpp_, 4) << " bpp)";
    const std::size_t next = static_cast<std::size_t>(chosen.rung) + 1;
    if (next < chosen.sizes.size())
        s << "; the next rung needs " << chosen.sizes[next] << " bytes";
    else
        s << "; no higher rung";
    s << "\n";
    return s.str();
}

}  // namespace sem::cli

#include "cli/RateBudget.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <cmath>
#include <cstdlib>
#include <limits>
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
    chosen.point.apply(o);
    if (o.hint.factor > 0 && o.hint.quality == -1)
        o.hint.quality = HintCodec::defaultQuality(o.hint.factor);
    return o;
}

}  // namespace

void RateBudget::addOptions(QCommandLineParser& parser, bool withModel)
{
    parser.addOptions({
        {"target-bpp", "Pick the edge and hint settings for this size: the best of the decoder model's "
                       "measured operating points (its ladder.json, docs/LADDER.md) whose file has at most B bits "
                       "per pixel, its hint quality raised to fill the budget; sets --scale, --low/--high, "
                       "--min-length, --hint and --hint-quality. Without any rate option (this, --max-bytes, "
                       "--scale, --low/--high, --auto, --min-length, --hint, --hint-quality) the default is "
                       "--target-bpp " + QString::number(kDefaultTargetBpp) + ".", "B"},
        {"max-bytes", "As --target-bpp, for a file of at most N bytes.", "N"},
    });
    if (withModel)
        parser.addOption({"model", "The decoder model the file is for: --target-bpp/--max-bytes (and the default "
                                   "rate) use its ladder (default: the built-in model).", "PATH"});
}

std::string RateBudget::builtInModelPath()
{
    if (const char* env = std::getenv("SEMCOMPRESS_MODEL"); env && *env)
        return env;
    const QString dir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QDir::currentPath();
    const QString installed = QDir::cleanPath(QDir(dir).absoluteFilePath("../share/semcompress/models/default"));
    return QFileInfo::exists(installed + "/model.safetensors") ? installed.toStdString() : std::string();
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
    bool explicitRate = budgeted;
    for (const char* o : {"scale", "low", "high", "auto", "min-length", "hint", "hint-quality"})
        explicitRate = explicitRate || parser.isSet(o);
    if (!explicitRate) {
        b.targetBpp_ = kDefaultTargetBpp;
        b.byDefault_ = true;
    }
    if (b.active()) {
        const std::string model = parser.value("model").toStdString();  // every command with a budget has --model
        b.ladder_ = ModelLadder::forModel(model, builtInModelPath());
    }
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
    const std::vector<OperatingPoint> points = ladder_.points();
    try {
        return RateLadder::encodeWithin(bgr, base, bytesFor(bgr), points);
    } catch (const Error&) {
        if (!byDefault_)
            throw;
        // The default target is below every rung for this (tiny) image: the cheapest rung.
        LadderResult lowest = RateLadder::encodeWithin(bgr, base, std::numeric_limits<std::size_t>::max(),
                                                       {points.front()}, false);
        return lowest;
    }
}

nlohmann::json RateBudget::json(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const
{
    const EncodeOptions o = applied(chosen, base);
    const std::size_t next = static_cast<std::size_t>(chosen.rung) + 1;
    const bool edges = chosen.point.hasEdges();
    const OperatingPoint& rung = ladder_.rungs[static_cast<std::size_t>(chosen.rung)].point;
    nlohmann::json j = {
        {"rung", chosen.rung + 1},
        {"of", ladder_.rungs.size()},
        {"point", chosen.point.point()},
        {"rung_point", rung.point()},
        {"hint_quality_raised_from", chosen.rungQuality >= 0 ? nlohmann::json(chosen.rungQuality) : nlohmann::json()},
        {"edge_scale", edges ? nlohmann::json(o.canny.scaleDenominator) : nlohmann::json()},
        {"canny_low", edges ? nlohmann::json(o.canny.low) : nlohmann::json()},
        {"canny_high", edges ? nlohmann::json(o.canny.high) : nlohmann::json()},
        {"min_length", edges ? nlohmann::json(o.canny.minLength) : nlohmann::json()},
        {"hint_factor", o.hint.factor},
        {"hint_quality", o.hint.factor > 0 ? nlohmann::json(o.hint.quality) : nlohmann::json()},
        {"bytes", chosen.bytes},
        {"budget_bytes", bytesFor(bgr)},
        {"budget_from", maxBytes_ > 0 ? "max_bytes" : byDefault_ ? "default" : "target_bpp"},
        {"next_rung_bytes", next < chosen.sizes.size() ? nlohmann::json(chosen.sizes[next]) : nlohmann::json()},
        {"ladder", ladder_.file.empty() ? nlohmann::json() : nlohmann::json(ladder_.file)},
        {"ladder_model_id", ladder_.modelId},
        {"ladder_fallback", ladder_.fallback},
        {"ladder_note", ladder_.describe()},
    };
    return j;
}

std::string RateBudget::describe(const LadderResult& chosen, const EncodeOptions& base, const cv::Mat& bgr) const
{
    const EncodeOptions o = applied(chosen, base);
    const OperatingPoint& p = chosen.point;
    const std::size_t rungs = ladder_.rungs.size();
    const std::size_t budget = bytesFor(bgr);
    std::ostringstream s;
    s << ladder_.describe() << "\n";
    if (byDefault_)
        s << "no rate option given: the default target of " << Report::fixed(kDefaultTargetBpp, 2)
          << " bpp (--target-bpp B, --max-bytes N or --scale/--hint choose another)\n";
    s << "operating point " << chosen.rung + 1 << " of " << rungs << ": " << p.point()
      << " (SCALE:HINT:HIGH[:MINLEN]): ";
    if (p.hasEdges())
        s << "edges at 1/" << o.canny.scaleDenominator << " scale, Canny " << Report::fixed(o.canny.low, 0) << "/"
          << Report::fixed(o.canny.high, 0) << (o.canny.minLength > 0 ? ", fragments under " +
                                                   std::to_string(o.canny.minLength) + " px dropped" : std::string());
    else
        s << "no edges";
    if (o.hint.factor > 0)
        s << ", hint 1/" << o.hint.factor << " at quality " << o.hint.quality;
    if (chosen.rungQuality >= 0)
        s << " (the rung's " << chosen.rungQuality << " raised to fill the budget)";
    if (chosen.bytes > budget) {
        s << "\n  the cheapest rung, " << chosen.bytes << " bytes: no rung fits the default budget of " << budget
          << " bytes for an image this small\n";
        return s.str();
    }
    s << "\n  chosen as the highest of the " << rungs << " rungs that fits: " << chosen.bytes
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

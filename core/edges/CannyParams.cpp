#include "core/edges/CannyParams.h"

#include <cmath>
#include <sstream>
#include <tuple>

#include "core/common/Error.h"

namespace sem {

namespace {

[[noreturn]] void invalid(const char* field, const std::string& value, const char* expected)
{
    std::ostringstream msg;
    msg << "edge parameters: " << field << " = " << value << " is invalid; expected " << expected << ".";
    throw Error(msg.str());
}

std::string str(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

bool CannyParams::operator==(const CannyParams& o) const
{
    return std::tie(low, high, autoThresholds, autoSigma, blurSigma, aperture, l2Gradient, scaleDenominator,
                    minLength, perChannel) == std::tie(o.low, o.high, o.autoThresholds, o.autoSigma, o.blurSigma,
                                                       o.aperture, o.l2Gradient, o.scaleDenominator, o.minLength,
                                                       o.perChannel);
}

void CannyParams::validate() const
{
    if (!autoThresholds) {
        if (!std::isfinite(low) || low < 0.0)
            invalid("low threshold", str(low), "a finite value >= 0");
        if (!std::isfinite(high) || high < 0.0)
            invalid("high threshold", str(high), "a finite value >= 0");
        if (low > high)
            invalid("low threshold", str(low), ("a value <= the high threshold " + str(high)).c_str());
    }
    if (!(autoSigma > 0.0 && autoSigma <= 1.0))
        invalid("autoSigma", str(autoSigma), "a value in (0, 1]");
    if (!(blurSigma >= 0.0 && blurSigma <= 20.0))
        invalid("blurSigma", str(blurSigma), "a value in [0, 20]");
    if (aperture != 3 && aperture != 5 && aperture != 7)
        invalid("aperture", std::to_string(aperture), "3, 5 or 7");
    if (scaleDenominator != 1 && scaleDenominator != 2 && scaleDenominator != 4 && scaleDenominator != 8)
        invalid("scaleDenominator", std::to_string(scaleDenominator), "1, 2, 4 or 8");
    if (minLength < 0 || minLength > 100000)
        invalid("minLength", std::to_string(minLength), "a value in [0, 100000]");
}

}  // namespace sem

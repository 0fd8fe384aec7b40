#include "core/pipeline/OperatingPoint.h"

#include <cstdlib>
#include <sstream>

#include "core/common/Error.h"
#include "core/pipeline/Encoder.h"

namespace sem {

namespace {

// A whole non-negative decimal number, or -1.
long parseCount(const std::string& s)
{
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos)
        return -1;
    return std::strtol(s.c_str(), nullptr, 10);
}

}  // namespace

std::string OperatingPoint::label(bool caption) const
{
    const std::string h = "hint" + std::to_string(hint) + (hintQuality > 0 ? "q" + std::to_string(hintQuality) : "");
    std::string s = scale ? "edges1/" + std::to_string(scale) + "+" + h : h + "+model";
    if (scale && high > 0)
        s += "+t" + std::to_string(static_cast<int>(high));
    if (scale && minLength > 0)
        s += "+m" + std::to_string(minLength);
    return s + (caption ? "+caption" : "");
}

std::string OperatingPoint::point() const
{
    std::string s = std::to_string(scale) + ":" + std::to_string(hint);
    if (hintQuality > 0)
        s += "q" + std::to_string(hintQuality);
    if (high > 0 || minLength > 0)
        s += ":" + std::to_string(static_cast<int>(high));
    if (minLength > 0)
        s += ":" + std::to_string(minLength);
    return s;
}

void OperatingPoint::apply(EncodeOptions& o) const
{
    o.canny.scaleDenominator = scale ? scale : 8;
    if (high > 0) {
        o.canny.autoThresholds = false;
        o.canny.high = high;
        o.canny.low = high / 2;
    }
    o.canny.minLength = minLength;
    o.hint.factor = hint;
    o.hint.quality = hintQuality;
}

std::vector<OperatingPoint> parseOperatingPoints(const std::string& list)
{
    std::vector<OperatingPoint> points;
    std::stringstream items(list);
    std::string item;
    while (std::getline(items, item, ',')) {
        const auto first = item.find_first_not_of(' ');
        if (first == std::string::npos)
            continue;
        item = item.substr(first, item.find_last_not_of(' ') - first + 1);
        std::vector<long> f;
        long quality = -1;
        std::stringstream parts(item);
        std::string part;
        while (std::getline(parts, part, ':')) {
            const auto q = part.find('q');
            if (f.size() == 1 && q != std::string::npos) {  // HINT as FqQ
                quality = parseCount(part.substr(q + 1));
                part = part.substr(0, q);
                if (quality < 1 || quality > 100)
                    quality = 0;  // refused below
            }
            f.push_back(parseCount(part));
        }
        const bool shapeOk = (f.size() >= 2 && f.size() <= 4 && item.back() != ':');
        bool ok = shapeOk;
        for (long v : f)
            ok = ok && v >= 0;
        ok = ok && (f[0] == 0 || f[0] == 1 || f[0] == 2 || f[0] == 4 || f[0] == 8);
        ok = ok && (f[1] == 4 || f[1] == 8 || f[1] == 16 || f[1] == 32 || f[1] == 64);
        ok = ok && (f.size() < 3 || (f[2] >= 1 && f[2] <= 1000));
        ok = ok && (f.size() < 4 || f[3] <= 100000);
        ok = ok && quality != 0;
        if (!ok)
            throw Error("--points: '" + item + "' is not SCALE:HINT[:HIGH[:MINLEN]] with SCALE 0 (no edges), 1, 2, 4 or 8, "
                        "HINT 4, 8, 16, 32 or 64 (optionally with qQUALITY 1..100, e.g. 8q20), HIGH 1..1000 and "
                        "MINLEN 0..100000.");
        OperatingPoint p;
        p.scale = static_cast<int>(f[0]);
        p.hint = static_cast<int>(f[1]);
        p.hintQuality = static_cast<int>(quality);
        if (f.size() >= 3)
            p.high = static_cast<double>(f[2]);
        if (f.size() >= 4)
            p.minLength = static_cast<int>(f[3]);
        points.push_back(p);
    }
    if (points.empty())
        throw Error("--points: no operating points.");
    return points;
}

}  // namespace sem

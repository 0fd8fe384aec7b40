#include "core/pipeline/ModelLadder.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/Error.h"
#include "core/pipeline/RateLadder.h"

namespace sem {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "semcompress-ladder";
constexpr std::uintmax_t kMaxFileBytes = 1 << 20;
constexpr std::size_t kMaxRungs = 256;

[[noreturn]] void fail(const std::string& file, const std::string& problem)
{
    throw Error("ladder " + (file.empty() ? std::string("(text)") : file) + ": " + problem + ".");
}

std::string readSmallFile(const std::string& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        fail(file, "cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string fixed(double v, int digits)
{
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

}  // namespace

std::vector<OperatingPoint> ModelLadder::points() const
{
    std::vector<OperatingPoint> p;
    p.reserve(rungs.size());
    for (const LadderRung& r : rungs)
        p.push_back(r.point);
    return p;
}

std::string ModelLadder::describe() const
{
    const std::string source = file.empty() ? std::string("the compiled-in ladder of the built-in model") : file;
    std::string s = fallback ? "no ladder measured for this model; using the built-in model's: " + source +
                                   " (looked for " + ladderPathFor(modelPath) + ")"
                             : "ladder: " + source;
    s += "; " + std::to_string(rungs.size()) + " rungs";
    if (!modelId.empty())
        s += ", measured for model " + modelId;
    if (images > 0)
        s += " on " + std::to_string(images) + " images";
    return s;
}

ModelLadder ModelLadder::parse(const std::string& text, const std::string& file)
{
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
        fail(file, "not valid JSON");
    if (!j.is_object())
        fail(file, "not a JSON object");
    if (!j.contains("format") || !j["format"].is_string() || j["format"].get<std::string>() != kFormat)
        fail(file, std::string("\"format\" is not \"") + kFormat + "\"");
    if (!j.contains("formatVersion") || !j["formatVersion"].is_number_integer() || j["formatVersion"].get<long long>() != 1)
        fail(file, "\"formatVersion\" is not 1 (this program reads version 1)");
    ModelLadder l;
    l.file = file;
    auto optionalString = [&](const char* key, std::string& out) {
        if (!j.contains(key) || j[key].is_null())
            return;
        if (!j[key].is_string())
            fail(file, std::string("\"") + key + "\" is not a string");
        out = j[key].get<std::string>();
    };
    optionalString("model_id", l.modelId);
    optionalString("measured_by", l.measuredBy);
    if (j.contains("images") && !j["images"].is_null()) {
        if (!j["images"].is_number_integer() || j["images"].get<long long>() < 0 || j["images"].get<long long>() > 100000000)
            fail(file, "\"images\" is not a count");
        l.images = static_cast<int>(j["images"].get<long long>());
    }
    if (!j.contains("rungs") || !j["rungs"].is_array())
        fail(file, "\"rungs\" is missing or not an array");
    const nlohmann::json& rungs = j["rungs"];
    if (rungs.empty())
        fail(file, "\"rungs\" is empty; a ladder needs at least one operating point");
    if (rungs.size() > kMaxRungs)
        fail(file, "more than " + std::to_string(kMaxRungs) + " rungs");
    for (std::size_t i = 0; i < rungs.size(); ++i) {
        const nlohmann::json& r = rungs[i];
        const std::string which = "rung " + std::to_string(i + 1);
        if (!r.is_object())
            fail(file, which + " is not an object");
        if (!r.contains("point") || !r["point"].is_string())
            fail(file, which + " has no \"point\" string (SCALE:HINT[:HIGH[:MINLEN]])");
        const std::string pointText = r["point"].get<std::string>();
        std::vector<OperatingPoint> p;
        try {
            p = parseOperatingPoints(pointText);
        } catch (const Error&) {
            fail(file, which + ": '" + pointText + "' is not an operating point SCALE:HINT[qQ][:HIGH[:MINLEN]]");
        }
        if (p.size() != 1)
            fail(file, which + ": '" + pointText + "' is not one operating point");
        LadderRung rung;
        rung.point = p.front();
        auto number = [&](const char* key, bool required) {
            if (!r.contains(key) || r[key].is_null()) {
                if (required)
                    fail(file, which + " has no \"" + key + "\"");
                return std::numeric_limits<double>::quiet_NaN();
            }
            if (!r[key].is_number() || !std::isfinite(r[key].get<double>()))
                fail(file, which + ": \"" + key + "\" is not a finite number");
            return r[key].get<double>();
        };
        rung.bpp = number("bpp", true);
        rung.psnr = number("psnr", true);
        rung.niqe = number("niqe", false);
        if (rung.bpp <= 0.0 || rung.bpp > 64.0)
            fail(file, which + ": \"bpp\" " + fixed(rung.bpp, 4) + " is outside (0, 64]");
        if (!l.rungs.empty()) {
            const LadderRung& before = l.rungs.back();
            if (rung.bpp <= before.bpp)
                fail(file, which + " (" + pointText + ") is not larger than the rung before it (bpp " + fixed(rung.bpp, 4) +
                               " after " + fixed(before.bpp, 4) + "); rungs go cheapest first");
            if (rung.psnr <= before.psnr)
                fail(file, which + " (" + pointText + ") has no higher PSNR than the rung before it (" +
                               fixed(rung.psnr, 2) + " dB after " + fixed(before.psnr, 2) +
                               " dB); each rung must be better than the cheaper ones");
        }
        l.rungs.push_back(rung);
    }
    return l;
}

ModelLadder ModelLadder::load(const std::string& file)
{
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        fail(file, "not a file");
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec || size > kMaxFileBytes)
        fail(file, "larger than 1 MB; not a ladder");
    return parse(readSmallFile(file), file);
}

std::string ModelLadder::serialize(const std::vector<LadderRung>& rungs, const std::string& modelId,
                                   const std::string& measuredBy, int images)
{
    nlohmann::json j = {{"format", kFormat}, {"formatVersion", 1}, {"model_id", modelId},
                        {"measured_by", measuredBy}, {"images", images}};
    nlohmann::json list = nlohmann::json::array();
    for (const LadderRung& r : rungs) {
        auto round = [](double v, double scale) { return std::round(v * scale) / scale; };
        list.push_back({{"point", r.point.point()},
                        {"bpp", round(r.bpp, 1e6)},
                        {"psnr", round(r.psnr, 1e4)},
                        {"niqe", std::isfinite(r.niqe) ? nlohmann::json(round(r.niqe, 1e4)) : nlohmann::json()}});
    }
    j["rungs"] = list;
    return j.dump(1) + "\n";
}

std::string ModelLadder::ladderPathFor(const std::string& modelPath)
{
    const fs::path p(modelPath);
    std::error_code ec;
    if (fs::is_directory(p, ec))
        return (p / "ladder.json").string();
    if (p.extension() == ".json" && fs::is_regular_file(p, ec) && fs::file_size(p, ec) <= kMaxFileBytes) {
        const nlohmann::json j = nlohmann::json::parse(readSmallFile(modelPath), nullptr, false);
        if (j.is_object() && j.contains("ladder")) {
            if (!j["ladder"].is_string() || j["ladder"].get<std::string>().empty())
                throw Error("model set " + modelPath + ": \"ladder\" is not a file name.");
            const fs::path named(j["ladder"].get<std::string>());
            return (named.is_absolute() ? named : p.parent_path() / named).string();
        }
    }
    fs::path beside = p;
    beside.replace_extension(".ladder.json");
    return beside.string();
}

ModelLadder ModelLadder::builtIn(const std::string& builtInModelPath)
{
    if (!builtInModelPath.empty()) {
        const std::string file = ladderPathFor(builtInModelPath);
        std::error_code ec;
        if (fs::exists(file, ec)) {
            ModelLadder l = load(file);
            l.modelPath = builtInModelPath;
            return l;
        }
    }
    ModelLadder l;
    for (const OperatingPoint& p : RateLadder::rungs()) {
        LadderRung r;
        r.point = p;
        r.bpp = r.psnr = r.niqe = std::numeric_limits<double>::quiet_NaN();
        l.rungs.push_back(r);
    }
    l.modelPath = builtInModelPath;
    return l;
}

ModelLadder ModelLadder::forModel(const std::string& modelPath, const std::string& builtInModelPath)
{
    if (modelPath.empty())
        return builtIn(builtInModelPath);
    std::error_code missing;
    if (!fs::exists(modelPath, missing))
        throw Error("model " + modelPath + ": no such file or folder.");
    const std::string file = ladderPathFor(modelPath);
    std::error_code ec;
    if (fs::exists(file, ec)) {
        ModelLadder l = load(file);
        l.modelPath = modelPath;
        return l;
    }
    ModelLadder l = builtIn(builtInModelPath);
    std::error_code e1;
    const bool isBuiltIn = !builtInModelPath.empty() && fs::equivalent(modelPath, builtInModelPath, e1) && !e1;
    l.fallback = !isBuiltIn;
    l.modelPath = modelPath;
    return l;
}

}  // namespace sem

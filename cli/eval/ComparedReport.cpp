#include "cli/eval/ComparedReport.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/common/Error.h"

namespace sem::cli {

namespace {

const std::string kAtTarget = "semantic at target bpp";

[[noreturn]] void fail(const std::string& path, const std::string& what)
{
    throw Error("--compare " + path + ": " + what);
}

// A number of the report, or NaN where it wrote null (an infinite PSNR, no NIQE).
double numberOrNan(const nlohmann::json& p, const char* key, const std::string& path)
{
    const auto it = p.find(key);
    if (it == p.end() || it->is_null())
        return std::numeric_limits<double>::quiet_NaN();
    if (!it->is_number())
        fail(path, std::string("a curve point's \"") + key + "\" is not a number");
    return it->get<double>();
}

// The model's own curves at target bpp: the decode of the ladder's rungs, and the sampled decodes of
// the rate-distortion-perception curves ("semantic sampled 0.35", "semantic from noise"; reports
// before b26f8ca named them "semantic at target bpp, sampled ...").
bool isModelCurve(const std::string& name)
{
    for (const std::string& prefix : {kAtTarget + ", sampled", std::string("semantic sampled "),
                                     std::string("semantic from noise")})
        if (name.rfind(prefix, 0) == 0)
            return true;
    return name == kAtTarget;
}

}  // namespace

ComparedReport ComparedReport::load(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "cannot be read");
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        fail(path, "is not JSON (a report of semc eval --json)");
    for (const char* key : {"model_id", "curves", "per_image"})
        if (!j.contains(key))
            fail(path, std::string("has no \"") + key + "\": not a report of semc eval --json");
    if (!j["model_id"].is_string() || !j["curves"].is_object() || !j["per_image"].is_array())
        fail(path, "\"model_id\", \"curves\" or \"per_image\" has the wrong type");
    ComparedReport r;
    r.path = path;
    r.modelId = j["model_id"].get<std::string>();
    r.family = "built-in";
    if (const auto f = j.find("family"); f != j.end()) {
        if (!f->is_string() || f->get<std::string>().empty())
            fail(path, "\"family\" is not a name");
        r.family = f->get<std::string>();
    }
    for (const auto& rec : j["per_image"]) {
        if (!rec.is_object() || !rec.contains("image") || !rec["image"].is_string() || !rec.contains("width") ||
            !rec["width"].is_number_integer() || !rec.contains("height") || !rec["height"].is_number_integer())
            fail(path, "a \"per_image\" record has no image name and size");
        r.imageNames.push_back(rec["image"].get<std::string>());
        r.imageSizes.emplace_back(rec["width"].get<int>(), rec["height"].get<int>());
    }
    if (r.imageNames.empty())
        fail(path, "scored no images");
    for (const auto& [name, points] : j["curves"].items()) {
        if (!isModelCurve(name))
            continue;
        if (!points.is_array())
            fail(path, "curve \"" + name + "\" is not a list of points");
        Series s{r.family + " " + r.modelId + ": " + name.substr(std::string("semantic ").size()), {}};
        for (const auto& p : points) {
            if (!p.is_object())
                fail(path, "curve \"" + name + "\" has a point that is not an object");
            BdPoint q;
            q.bpp = numberOrNan(p, "bpp", path);
            if (!std::isfinite(q.bpp) || q.bpp < 0)
                fail(path, "curve \"" + name + "\" has a point without a bit rate");
            q.psnr = numberOrNan(p, "psnr", path);
            q.ssim = numberOrNan(p, "ssim", path);
            q.msSsim = numberOrNan(p, "ms_ssim", path);
            q.niqe = numberOrNan(p, "niqe", path);
            s.points.push_back(q);
        }
        s.dashed = true;
        r.series.push_back(std::move(s));
    }
    if (r.series.empty())
        fail(path, "has no \"" + kAtTarget + "\" curve to compare");
    return r;
}

void ComparedReport::requireImages(const std::vector<EvalImage>& evaluated) const
{
    if (evaluated.size() != imageNames.size())
        fail(path, "scored " + std::to_string(imageNames.size()) + " images, this run " +
                       std::to_string(evaluated.size()) + ": curves over other images are not comparable");
    for (std::size_t i = 0; i < evaluated.size(); ++i) {
        const EvalImage& im = evaluated[i];
        if (im.name != imageNames[i] || im.bgr.cols != imageSizes[i].first || im.bgr.rows != imageSizes[i].second)
            fail(path, "image " + std::to_string(i + 1) + " is " + imageNames[i] + " (" +
                           std::to_string(imageSizes[i].first) + "x" + std::to_string(imageSizes[i].second) +
                           "), this run's " + im.name + " (" + std::to_string(im.bgr.cols) + "x" +
                           std::to_string(im.bgr.rows) + "): curves over other images are not comparable");
    }
}

}  // namespace sem::cli

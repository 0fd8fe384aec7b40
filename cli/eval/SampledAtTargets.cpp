#include "cli/eval/SampledAtTargets.h"

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

#include "cli/NiqeSupport.h"
#include "cli/Report.h"
#include "core/common/Error.h"
#include "core/pipeline/RateLadder.h"

namespace sem::cli {

namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

nlohmann::json pointJson(const BdPoint& p)
{
    return {{"bpp", p.bpp}, {"psnr", p.psnr}, {"ssim", p.ssim}, {"ms_ssim", p.msSsim}, {"niqe", niqe_report::json(p.niqe)}};
}

std::string pointText(const BdPoint& p)
{
    return Report::fixed(p.bpp, 4) + ", " + Report::fixed(p.psnr, 2) + " dB, " + Report::fixed(p.ssim, 4) + ", " +
           Report::fixed(p.msSsim, 4) + ", " + niqe_report::text(p.niqe);
}

}  // namespace

SampledAtTargets::SampledAtTargets(std::vector<double> targets, int steps, float strength)
    : targets_(std::move(targets)), steps_(steps), strength_(strength)
{
    if (steps_ < 1 || !(strength_ > 0.0f && strength_ <= 1.0f))
        throw Error("eval: sampled decodes at target bpp need at least one step and a strength in (0, 1].");
}

std::string SampledAtTargets::settingName(bool fromNoise, double target) const
{
    return (fromNoise || strength_ >= 1.0f ? std::string("from noise") : "strength " + Report::fixed(strength_, 2)) + "@" +
           Report::fixed(target, 3);
}

nlohmann::json SampledAtTargets::addImage(const std::vector<BdPoint>& fidelity, const std::vector<std::string>& labels,
                                          double originalNiqe, const Decode& decode, const Score& score,
                                          const Record& record)
{
    if (labels.size() != fidelity.size())
        throw Error("eval: the sampled decodes' ladder has " + std::to_string(fidelity.size()) + " rungs but " +
                    std::to_string(labels.size()) + " labels.");
    std::vector<double> bpps;
    for (const BdPoint& p : fidelity)
        bpps.push_back(p.bpp);
    // Rungs nobody picks keep their rate (the ladder chooses by rate alone) and no scores.
    std::vector<BdPoint> sampled, fromNoise;
    for (const BdPoint& p : fidelity) {
        sampled.push_back({p.bpp, kNoValue, kNoValue, kNoValue, kNoValue});
        fromNoise.push_back(sampled.back());
    }
    std::map<std::size_t, bool> decoded;
    nlohmann::json rungs = nlohmann::json::object();
    for (const double target : targets_) {
        const int pick = RateLadder::lastFitting(bpps, target);
        if (pick < 0)
            continue;
        const auto r = static_cast<std::size_t>(pick);
        if (!decoded[r]) {
            decoded[r] = true;
            sampled[r] = score(decode(r, strength_), fidelity[r].bpp);
            fromNoise[r] = strength_ < 1.0f ? score(decode(r, 1.0f), fidelity[r].bpp) : sampled[r];
        }
        rungs[Report::fixed(target, 3)] = labels[r];
        if (strength_ < 1.0f)
            record("sampled", settingName(false, target), sampled[r]);
        record("sampled", settingName(true, target), fromNoise[r]);
    }
    fidelity_.addImage(fidelity);
    sampled_.addImage(std::move(sampled));
    fromNoise_.addImage(std::move(fromNoise));
    ++images_;
    originalNiqeSum_ += originalNiqe;
    return rungs;
}

std::vector<Series> SampledAtTargets::series(std::size_t totalImages) const
{
    // Short names (the plots' legend is narrow); "semantic" first keeps them out of the BD references.
    const std::string of = static_cast<std::size_t>(images_) < totalImages
                               ? " (" + std::to_string(images_) + " of " + std::to_string(totalImages) + ")"
                               : std::string();
    std::vector<Series> out;
    if (strength_ < 1.0f)
        out.push_back({"semantic sampled " + Report::fixed(strength_, 2) + of, sampled_.atTargets(targets_)});
    out.push_back({"semantic from noise" + of, fromNoise_.atTargets(targets_)});
    return out;
}

std::string SampledAtTargets::markdownTable() const
{
    std::ostringstream out;
    out << "| target bpp | fidelity: bpp, PSNR, SSIM, MS-SSIM, NIQE | sampled, strength " << Report::fixed(strength_, 2)
        << " | sampled from noise |\n|---|---|---|---|\n";
    for (const double t : targets_) {
        const auto f = fidelity_.atTargets({t}), s = sampled_.atTargets({t}), n = fromNoise_.atTargets({t});
        if (f.empty() || s.empty() || n.empty())
            continue;  // not every image reaches it
        out << "| " << Report::fixed(t, 3) << " | " << pointText(f[0]) << " | " << pointText(s[0]) << " | "
            << pointText(n[0]) << " |\n";
    }
    const double original = images_ > 0 ? originalNiqeSum_ / images_ : kNoValue;
    out << "| the originals | NIQE " << niqe_report::text(original) << " | | |\n";
    return out.str();
}

nlohmann::json SampledAtTargets::json() const
{
    nlohmann::json rows = nlohmann::json::array();
    for (const double t : targets_) {
        const auto f = fidelity_.atTargets({t}), s = sampled_.atTargets({t}), n = fromNoise_.atTargets({t});
        if (f.empty() || s.empty() || n.empty())
            continue;
        rows.push_back({{"target_bpp", t}, {"fidelity", pointJson(f[0])}, {"sampled", pointJson(s[0])},
                        {"from_noise", pointJson(n[0])}});
    }
    return {{"images", images_}, {"steps", steps_}, {"strength", strength_},
            {"original_niqe", niqe_report::json(images_ > 0 ? originalNiqeSum_ / images_ : kNoValue)}, {"targets", rows}};
}

}  // namespace sem::cli

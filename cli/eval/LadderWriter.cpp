#include "cli/eval/LadderWriter.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"

namespace sem::cli {

std::vector<LadderRung> measuredLadder(const std::vector<OperatingPoint>& points, const std::vector<BdPoint>& means)
{
    if (points.size() != means.size())
        throw Error("eval: " + std::to_string(means.size()) + " measured means for " + std::to_string(points.size()) +
                    " operating points; cannot write a ladder");
    std::vector<std::size_t> order(points.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    // By rising bpp; at equal bpp the higher PSNR first, so that the other is dropped.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return means[a].bpp < means[b].bpp || (means[a].bpp == means[b].bpp && means[a].psnr > means[b].psnr);
    });
    std::vector<LadderRung> rungs;
    for (const std::size_t i : order) {
        const BdPoint& m = means[i];
        if (!std::isfinite(m.bpp) || !std::isfinite(m.psnr) || m.bpp <= 0.0)
            continue;
        if (!rungs.empty() && (m.psnr <= rungs.back().psnr || m.bpp <= rungs.back().bpp))
            continue;  // a cheaper point is at least as good
        rungs.push_back({points[i], m.bpp, m.psnr, m.niqe});
    }
    return rungs;
}

void writeMeasuredLadder(const std::string& file, const std::vector<OperatingPoint>& points,
                         const std::vector<BdPoint>& means, const std::string& modelId, std::size_t images,
                         const QStringList& args)
{
    const std::vector<LadderRung> rungs = measuredLadder(points, means);
    if (rungs.empty())
        throw Error("eval: no operating point was measured; no ladder to write to " + file);
    std::string command = "semc eval";
    for (const QString& a : args)
        command += " " + (a.contains(' ') ? "'" + a.toStdString() + "'" : a.toStdString());
    const std::string text = ModelLadder::serialize(rungs, modelId, command, static_cast<int>(images));
    ModelLadder::parse(text, file);  // what is written reads back
    writeFileAtomic(file, std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace sem::cli

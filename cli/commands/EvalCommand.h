#pragma once
#include <string>
#include <vector>

#include "cli/Command.h"

namespace sem::cli {

// semc eval DIR [--captions captions.json] [--model M] [--json out.json] [--csv out.csv] [--plot out.png]
// DIR is a prepared data folder (OUT/data of semc train: its validation split is evaluated) or a
// folder of images.
class EvalCommand : public Command {
public:
    std::string name() const override { return "eval"; }
    std::string summary() const override {
        return "Rate-distortion evaluation of the model against the baselines (BD-rate, ablations, plot).";
    }
    int run(const QStringList& args, Io& io) override;
};

// Bjøntegaard metrics between two rate-PSNR curves (rates in bpp), cubic fits in log10(rate) (lower
// degree with fewer than 4 points) integrated over the common interval, further limited to
// [loBpp, hiBpp]. nan when the curves do not overlap there or have fewer than 2 points.
// bdPsnr > 0: `test` has more PSNR at equal rate; bdRatePercent < 0: `test` needs fewer bits.
struct BdPoint {
    double bpp = 0, psnr = 0;
};
double bdPsnr(const std::vector<BdPoint>& reference, const std::vector<BdPoint>& test, double loBpp = 0,
              double hiBpp = 1e9);
double bdRatePercent(const std::vector<BdPoint>& reference, const std::vector<BdPoint>& test, double loBpp = 0,
                     double hiBpp = 1e9);

}  // namespace sem::cli

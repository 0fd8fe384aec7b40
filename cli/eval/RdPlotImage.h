#pragma once
#include <string>
#include <vector>

#include "cli/eval/BdMetrics.h"

namespace sem::cli {

struct Series {
    std::string name;
    std::vector<BdPoint> points;  // mean bpp, PSNR, SSIM, MS-SSIM and NIQE per operating point
    bool dashed = false;          // drawn dashed with square markers (another report's curve)
};

enum class PlotMetric { Psnr, Ssim, MsSsim, Niqe };

// Draws the bpp-quality curves into a PNG (OpenCV, no GUI); throws sem::Error when it cannot be written.
void drawRdPlot(const std::vector<Series>& series, const std::string& path, const std::string& title,
                PlotMetric metric = PlotMetric::Psnr);

}  // namespace sem::cli

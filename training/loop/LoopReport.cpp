#include "training/loop/LoopReport.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace sem::training {

std::string LoopReport::fixed(double value, int decimals)
{
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << value;
    return s.str();
}

void LoopReport::appendLog(const std::string& path, const std::string& line)
{
    const bool fresh = !std::filesystem::exists(path);
    std::ofstream f(path, std::ios::app);
    if (fresh)
        f << "step,wall_s,loss,val_fidelity_psnr,val_hint_psnr\n";
    f << line << "\n";
}

}  // namespace sem::training

#include "cli/eval/SharpnessStats.h"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "cli/Report.h"
#include "core/common/Error.h"

namespace sem::cli {

namespace {

cv::Mat luma(const cv::Mat& bgr)
{
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw Error("sharpness: expected an 8-bit colour image");
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    return gray;
}

void checkMask(const cv::Mat& mask, cv::Size size)
{
    if (mask.size() != size || mask.type() != CV_8U)
        throw Error("sharpness: the mask must be an 8-bit map of the image's size");
}

double laplacianVarianceOf(const cv::Mat& gray)
{
    cv::Mat lap;
    cv::Laplacian(gray, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    return stddev[0] * stddev[0];
}

cv::Mat gradientMagnitude(const cv::Mat& gray)
{
    cv::Mat gx, gy, magnitude;
    cv::Sobel(gray, gx, CV_32F, 1, 0);
    cv::Sobel(gray, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, magnitude);
    return magnitude;
}

// The mean of `values` where `where` is set; 0 where nothing is.
double maskedMean(const cv::Mat& values, const cv::Mat& where)
{
    return cv::countNonZero(where) == 0 ? 0.0 : cv::mean(values, where)[0];
}

}  // namespace

cv::Mat SharpnessStats::boundaryMask(const cv::Mat& originalBgr)
{
    cv::Mat edges;
    cv::Canny(luma(originalBgr), edges, 100.0, 200.0, 3, true);
    cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    return edges;
}

double SharpnessStats::laplacianVariance(const cv::Mat& bgr)
{
    return laplacianVarianceOf(luma(bgr));
}

double SharpnessStats::meanGradient(const cv::Mat& bgr, const cv::Mat& mask, bool onMask)
{
    const cv::Mat gray = luma(bgr);
    checkMask(mask, gray.size());
    return maskedMean(gradientMagnitude(gray), onMask ? mask != 0 : mask == 0);
}

void SharpnessStats::add(const std::string& name, const cv::Mat& bgr, const cv::Mat& mask, double psnr)
{
    if (!sums_.count(name))
        order_.push_back(name);
    Sums& s = sums_[name];
    ++s.n;
    if (std::isfinite(psnr)) {
        s.psnr += psnr;
        ++s.withPsnr;
    }
    const cv::Mat gray = luma(bgr);  // once per decode: the three measures share it and its gradient
    checkMask(mask, gray.size());
    const cv::Mat magnitude = gradientMagnitude(gray);
    s.laplacian += laplacianVarianceOf(gray);
    s.edge += maskedMean(magnitude, mask != 0);
    s.offEdge += maskedMean(magnitude, mask == 0);
}

int SharpnessStats::count(const std::string& name) const
{
    const auto it = sums_.find(name);
    return it == sums_.end() ? 0 : it->second.n;
}

std::string SharpnessStats::markdownTable() const
{
    std::ostringstream out;
    out << "| decode | PSNR (dB) | Laplacian variance | edge contrast | off-edge gradient |\n|---|---|---|---|---|\n";
    for (const std::string& name : order_) {
        const Sums& s = sums_.at(name);
        out << "| " << name << " | " << (s.withPsnr > 0 ? Report::fixed(s.psnr / s.withPsnr, 2) : std::string("-"))
            << " | " << Report::fixed(s.laplacian / s.n, 1) << " | " << Report::fixed(s.edge / s.n, 1) << " | "
            << Report::fixed(s.offEdge / s.n, 1) << " |\n";
    }
    return out.str();
}

nlohmann::json SharpnessStats::json() const
{
    nlohmann::json j = nlohmann::json::object();
    for (const std::string& name : order_) {
        const Sums& s = sums_.at(name);
        j[name] = {{"images", s.n},
                   {"laplacian_var", s.laplacian / s.n},
                   {"edge_contrast", s.edge / s.n},
                   {"off_edge_gradient", s.offEdge / s.n}};
        if (s.withPsnr > 0)
            j[name]["psnr"] = s.psnr / s.withPsnr;
    }
    return j;
}

}  // namespace sem::cli

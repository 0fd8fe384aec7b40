#include "training/data/CaptionPriorSamples.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "training/data/ShardReader.h"

namespace sem::training {

namespace {

// The G x G INTER_AREA layout of a decoded 8-bit BGR image, planar RGB in -1..1.
std::vector<float> layoutOfImage(const cv::Mat& image, int grid, bool mirror)
{
    cv::Mat small;
    cv::resize(image, small, cv::Size(grid, grid), 0, 0, cv::INTER_AREA);
    if (mirror)
        cv::flip(small, small, 1);
    std::vector<float> layout(static_cast<std::size_t>(3 * grid * grid));
    for (int y = 0; y < grid; ++y)
        for (int x = 0; x < grid; ++x)
            for (int c = 0; c < 3; ++c)  // BGR pixels -> RGB planes
                layout[static_cast<std::size_t>((c * grid + y) * grid + x)] =
                    static_cast<float>(small.at<cv::Vec3b>(y, x)[2 - c]) / 127.5f - 1.0f;
    return layout;
}

}  // namespace

std::vector<float> CaptionPriorSamples::layoutOf(const std::vector<std::uint8_t>& encodedImage, int grid, bool mirror)
{
    const cv::Mat image = cv::imdecode(encodedImage, cv::IMREAD_COLOR);
    if (image.empty() || grid < 1)
        return {};
    return layoutOfImage(image, grid, mirror);
}

std::vector<CaptionLayoutSample> CaptionPriorSamples::samples(
    const std::vector<const ShardRecord*>& records, int grid)
{
    std::vector<CaptionLayoutSample> out;
    if (grid < 1)
        return out;
    for (const ShardRecord* r : records) {
        if (r->captions.empty())
            continue;
        const cv::Mat image = cv::imdecode(r->jpeg, cv::IMREAD_COLOR);  // once for both layouts
        if (image.empty())
            continue;
        for (const bool mirror : {false, true}) {
            const std::vector<float> layout = layoutOfImage(image, grid, mirror);
            for (const std::string& caption : r->captions)
                out.push_back({caption, layout});
        }
    }
    return out;
}

}  // namespace sem::training

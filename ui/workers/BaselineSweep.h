#pragma once
#include <QString>
#include <QVector>
#include <atomic>
#include <functional>
#include <map>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "ui/views/RdPlot.h"

namespace sem::ui {

// The plot's baseline curves for one image (DESIGN §7): every available classical codec searched
// at the plot's target bpps, each point with its PSNR, MS-SSIM and NIQE (the metric switch of the
// plot; MS-SSIM and NIQE add about a fifth to the search time). Long (5 codecs x 11 targets; minutes on a 12 MP photo on a small
// CPU), so it runs on a worker thread and can be stopped: run() polls a flag before every encode
// and returns early with what it had. Complete sweeps are cached per image content (md5 of the
// pixels), so reopening an image is instant; stopped ones are not.
class BaselineSweep {
public:
    using Curves = std::map<QString, QVector<RdPoint>>;
    struct Result {
        Curves curves;
        int searchesDone = 0;   // (codec, target) searches finished, including failed codecs'
        int searchesTotal = 0;  // in the whole sweep of this image
        bool stopped = false;   // ended early by the flag: partial, not cached
        bool fromCache = false;
    };

    static const std::vector<double>& targets();  // bpp, 0.005 .. 0.5
    static int searchCount(const cv::Mat& bgr);   // searches in a whole sweep of this image
    // Any thread. `progress(done)` is called on the calling thread after each codec.
    static Result run(const cv::Mat& bgr, const std::atomic<bool>& stop,
                      const std::function<void(int done)>& progress = {});
    static void clearCache();
};

}  // namespace sem::ui

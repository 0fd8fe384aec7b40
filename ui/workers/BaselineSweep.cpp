#include "ui/workers/BaselineSweep.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QObject>
#include <algorithm>
#include <mutex>

#include "core/baselines/Baselines.h"
#include "core/metrics/Metrics.h"
#include "core/metrics/Niqe.h"

namespace sem::ui {

namespace {

std::mutex g_cacheMutex;
std::map<QByteArray, BaselineSweep::Curves> g_cache;

QByteArray imageKey(const cv::Mat& bgr)
{
    QCryptographicHash h(QCryptographicHash::Md5);
    for (int y = 0; y < bgr.rows; ++y)
        h.addData(QByteArrayView(reinterpret_cast<const char*>(bgr.ptr(y)), qsizetype(bgr.cols * bgr.elemSize())));
    return h.result() + QByteArray::number(bgr.cols) + 'x' + QByteArray::number(bgr.rows);
}

// The codecs this build can run, probed once (a tiny round trip each).
const std::vector<BaselineCodec>& availableCodecs()
{
    static const std::vector<BaselineCodec> codecs = [] {
        std::vector<BaselineCodec> out;
        for (BaselineCodec codec : {BaselineCodec::Jpeg, BaselineCodec::Webp, BaselineCodec::WebpDownscale,
                                    BaselineCodec::Jp2, BaselineCodec::Avif})
            if (Baselines::isAvailable(codec))
                out.push_back(codec);
        return out;
    }();
    return codecs;
}

std::vector<BaselineCodec> codecsFor(const cv::Mat& bgr)
{
    std::vector<BaselineCodec> out;
    for (BaselineCodec codec : availableCodecs())
        if (codec != BaselineCodec::Jp2 || std::min(bgr.cols, bgr.rows) >= 32)
            out.push_back(codec);
    return out;
}

}  // namespace

const std::vector<double>& BaselineSweep::targets()
{
    static const std::vector<double> t{0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5};
    return t;
}

int BaselineSweep::searchCount(const cv::Mat& bgr)
{
    return int(codecsFor(bgr).size() * targets().size());
}

BaselineSweep::Result BaselineSweep::run(const cv::Mat& bgr, const std::atomic<bool>& stop,
                                         const std::function<void(int)>& progress)
{
    Result result;
    result.searchesTotal = searchCount(bgr);
    const QByteArray key = imageKey(bgr);
    {
        const std::lock_guard<std::mutex> lock(g_cacheMutex);
        const auto it = g_cache.find(key);
        if (it != g_cache.end()) {
            result.curves = it->second;
            result.searchesDone = result.searchesTotal;
            result.fromCache = true;
            return result;
        }
    }
    const auto stopRequested = [&stop] { return stop.load(std::memory_order_relaxed); };
    for (BaselineCodec codec : codecsFor(bgr)) {
        if (stopRequested()) {
            result.stopped = true;
            return result;
        }
        const QString name = QString::fromStdString(Baselines::name(codec));
        QVector<RdPoint> points;
        std::size_t searched = targets().size();
        try {
            const std::vector<BaselineResult> found = Baselines::atTargetBpps(bgr, codec, targets(), stopRequested);
            searched = found.size();
            for (const BaselineResult& r : found) {
                if (!r.reached)
                    continue;
                if (stopRequested()) {  // MS-SSIM and NIQE of a large image take a while: stop between points
                    result.searchesDone += int(searched);
                    result.stopped = true;
                    return result;
                }
                RdPoint p;
                p.bpp = r.bpp;
                p.psnr = metrics::psnr(bgr, r.decoded);
                if (metrics::msSsimScales(bgr.cols, bgr.rows) > 0)
                    p.msSsim = metrics::msSsim(bgr, r.decoded);
                if (metrics::niqeSizeOk(bgr.cols, bgr.rows))
                    p.niqe = metrics::niqe(r.decoded);  // NaN for a flat decode
                p.label = r.downscale > 1 ? QObject::tr("%1 q %2, 1/%3").arg(name).arg(r.quality).arg(r.downscale)
                                          : QObject::tr("%1 q %2").arg(name).arg(r.quality);
                if (points.isEmpty() || points.back().bpp != p.bpp)
                    points << p;
            }
        } catch (const std::exception&) {
            // a codec that fails on this image just has no curve
        }
        result.searchesDone += int(searched);
        if (!points.isEmpty())
            result.curves[name] = points;
        if (progress)
            progress(result.searchesDone);
        if (searched < targets().size()) {  // the flag ended this codec's search
            result.stopped = true;
            return result;
        }
    }
    const std::lock_guard<std::mutex> lock(g_cacheMutex);
    g_cache[key] = result.curves;
    return result;
}

void BaselineSweep::clearCache()
{
    const std::lock_guard<std::mutex> lock(g_cacheMutex);
    g_cache.clear();
}

}  // namespace sem::ui

#include "ui/views/ViewMeasure.h"

#include <QLocale>
#include <QObject>
#include <cmath>

#include "core/metrics/Metrics.h"
#include "core/metrics/Niqe.h"

namespace sem::ui {

bool ViewMeasure::sameSize() const
{
    if (targetBytes == 0)
        return true;
    const double t = double(targetBytes);
    return std::abs(double(bytes) - t) <= kSameSizeTolerance * t;
}

QString ViewMeasure::sizeNote() const
{
    if (targetBytes == 0)
        return {};
    if (!reached && bytes > targetBytes && !sameSize())
        return QObject::tr("cannot go lower");
    if (sameSize())
        return QObject::tr("same size");
    return QObject::tr("%1 % of the .sem's size").arg(std::lround(100.0 * double(bytes) / double(targetBytes)));
}

QString ViewMeasure::note() const
{
    QStringList parts;
    if (!setting.isEmpty())
        parts << setting;
    const QLocale locale;
    parts << QObject::tr("%1 B").arg(locale.toString(qulonglong(bytes)));
    QString rate = QObject::tr("%1 bpp").arg(QString::number(bpp, 'f', 4));
    const QString size = sizeNote();
    if (!size.isEmpty())
        rate += QStringLiteral(", ") + size;
    parts << rate;
    if (std::isfinite(psnr))
        parts << QObject::tr("PSNR %1 dB").arg(QString::number(psnr, 'f', 2));
    if (std::isfinite(ssim))
        parts << QObject::tr("SSIM %1").arg(QString::number(ssim, 'f', 3));
    if (std::isfinite(niqe))
        parts << QObject::tr("NIQE %1").arg(QString::number(niqe, 'f', 2));
    return parts.join(QStringLiteral(" · "));
}

BaselineResult ViewMeasure::baselineAtSize(const cv::Mat& bgr, BaselineCodec codec, std::size_t targetBytes)
{
    const double targetBpp = metrics::bpp(targetBytes, bgr.cols, bgr.rows);
    BaselineResult best = Baselines::atTargetBpp(bgr, codec, targetBpp);
    const double t = double(targetBytes);
    if (!best.reached || double(best.bytes) >= (1.0 - kSameSizeTolerance) * t)
        return best;
    // Quality steps are coarse at low rates: the next setting up may still be within 5 % over.
    const int last = std::min(best.quality + 3, Baselines::maxQuality(codec));
    for (int q = best.quality + 1; q <= last; ++q) {
        BaselineResult r = Baselines::encodeDecode(bgr, codec, q, best.downscale);
        if (double(r.bytes) > (1.0 + kSameSizeTolerance) * t)
            break;
        if (std::abs(double(r.bytes) - t) < std::abs(double(best.bytes) - t))
            best = std::move(r);
    }
    return best;
}

ViewMeasure ViewMeasure::ofBaseline(const BaselineResult& r, const cv::Mat& original, std::size_t targetBytes,
                                    bool withNiqe)
{
    ViewMeasure m;
    m.setting = r.downscale > 1 ? QObject::tr("q %1 at 1/%2").arg(r.quality).arg(r.downscale)
                                : QObject::tr("q %1").arg(r.quality);
    m.bytes = r.bytes;
    m.bpp = r.bpp;
    m.targetBytes = targetBytes;
    m.reached = r.reached;
    if (!original.empty() && original.size() == r.decoded.size()) {
        m.psnr = metrics::psnr(original, r.decoded);
        m.ssim = metrics::ssim(original, r.decoded);
    }
    if (withNiqe && metrics::niqeSizeOk(r.decoded.cols, r.decoded.rows))
        m.niqe = metrics::niqe(r.decoded);
    return m;
}

}  // namespace sem::ui

#include "ui/views/LayerNotes.h"

#include <QLocale>
#include <QObject>
#include <cmath>

#include "core/metrics/Metrics.h"
#include "ui/views/ViewMeasure.h"

namespace sem::ui {

namespace {
QString sizeText(QSize s)
{
    return QStringLiteral("%1×%2").arg(s.width()).arg(s.height());
}

ViewMeasure streamMeasure(std::size_t bytes, QSize image)
{
    ViewMeasure m;
    m.bytes = bytes;
    m.bpp = image.isEmpty() ? ViewMeasure::kNaN : metrics::bpp(bytes, image.width(), image.height());
    return m;
}
}  // namespace

QString LayerNotes::original(QSize image, long long fileBytes, const QString& format)
{
    if (image.isEmpty())
        return {};
    QString note = QObject::tr("%1 px").arg(sizeText(image));
    if (fileBytes >= 0) {
        const QString bytes = QObject::tr("%1 B").arg(QLocale().toString(fileBytes));
        note += QStringLiteral(" · ") + (format.isEmpty() ? QObject::tr("file %1").arg(bytes)
                                                          : QObject::tr("%1 file %2").arg(format, bytes));
    }
    return note;
}

QString LayerNotes::edges(std::size_t bytes, QSize map, QSize image)
{
    ViewMeasure m = streamMeasure(bytes, image);
    if (!map.isEmpty()) {
        m.setting = QObject::tr("map %1").arg(sizeText(map));
        const int scale = int(std::lround(double(image.width()) / double(map.width())));
        if (scale > 1)
            m.setting += QStringLiteral(" (1/%1)").arg(scale);
    }
    return m.note();
}

QString LayerNotes::hint(std::size_t bytes, QSize thumbnail, QSize image, double psnr)
{
    ViewMeasure m = streamMeasure(bytes, image);
    if (!thumbnail.isEmpty())
        m.setting = QObject::tr("thumbnail %1, upsampled").arg(sizeText(thumbnail));
    m.psnr = psnr;
    return m.note();
}

QString LayerNotes::join(const QString& a, const QString& b)
{
    if (a.isEmpty())
        return b;
    if (b.isEmpty())
        return a;
    return a + QStringLiteral(" · ") + b;
}

}  // namespace sem::ui

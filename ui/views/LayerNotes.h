#pragma once
#include <QSize>
#include <QString>
#include <cstddef>
#include <limits>

namespace sem::ui {

// The notes after a view's name in its label (issue 20: every view says what it shows and what it
// costs). The compare layers and the reconstruction use ViewMeasure::note(); these are the others':
//   Original: "768×512 px · PNG file 456,789 B"  (the file's bytes when it came from one)
//   Edges:    "map 384×256 (1/2) · 1,234 B · 0.0251 bpp"  (the coded edge stream)
//   Hint:     "thumbnail 48×32, upsampled · 345 B · 0.0070 bpp · PSNR 19.21 dB"  (the hint's stream;
//             its PSNR against the original as the decoder starts from it: upsampled to full size)
struct LayerNotes {
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    // fileBytes < 0: not from a file (pasted, made in memory); format: "PNG", or empty.
    static QString original(QSize image, long long fileBytes = -1, const QString& format = QString());
    static QString edges(std::size_t bytes, QSize map, QSize image);
    static QString hint(std::size_t bytes, QSize thumbnail, QSize image, double psnr = kNaN);
    // "a · b", or the one that is not empty.
    static QString join(const QString& a, const QString& b);
};

}  // namespace sem::ui

#pragma once
#include <QString>

namespace sem {

// The instruction sent with the image, and the clean-up of what comes back. Every byte of the
// caption is stored in the .sem file, so both aim at a short, concrete, plain-text caption.
class CaptionPrompt {
public:
    // The prompt for a caption of at most `maxWords` words.
    static QString text(int maxWords);

    // Trims, removes a "Caption:" label, surrounding quotes and markdown emphasis, collapses
    // whitespace (newlines included) to single spaces, and keeps at most `maxWords` words
    // (cut at a word boundary, trailing punctuation of the cut kept as is).
    static QString postProcess(const QString& raw, int maxWords);

    static int wordCount(const QString& text);
};

}  // namespace sem

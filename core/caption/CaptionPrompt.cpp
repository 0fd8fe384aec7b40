#include "core/caption/CaptionPrompt.h"

#include <QRegularExpression>
#include <QStringList>

namespace sem {
namespace {

bool isQuote(QChar c) {
    static const QString quotes = QStringLiteral("\"'`\u201C\u201D\u2018\u2019\u00AB\u00BB\u201E");
    return quotes.contains(c);
}

QString stripQuotesAndEmphasis(QString s) {
    bool changed = true;
    while (changed && s.size() >= 2) {
        changed = false;
        if (isQuote(s.front()) && isQuote(s.back())) {
            s = s.mid(1, s.size() - 2).trimmed();
            changed = true;
        } else if (s.startsWith(QLatin1String("**")) && s.endsWith(QLatin1String("**")) && s.size() >= 4) {
            s = s.mid(2, s.size() - 4).trimmed();
            changed = true;
        } else if (s.front() == QLatin1Char('*') && s.back() == QLatin1Char('*')) {
            s = s.mid(1, s.size() - 2).trimmed();
            changed = true;
        }
    }
    return s;
}

}  // namespace

QString CaptionPrompt::text(int maxWords) {
    return QStringLiteral(
               "Write one caption for this image in at most %1 words. Name the main objects, "
               "their colours and positions, the background and the lighting; be concrete. "
               "Answer with the caption only: plain text, no preamble, no quotes, no markdown.")
        .arg(maxWords);
}

QString CaptionPrompt::postProcess(const QString& raw, int maxWords) {
    static const QRegularExpression space(QStringLiteral("\\s+"));
    static const QRegularExpression label(QStringLiteral("^\\s*\\**\\s*caption\\s*\\**\\s*:\\s*\\**"),
                                          QRegularExpression::CaseInsensitiveOption);
    QString s = raw;
    s.replace(space, QStringLiteral(" "));
    s = s.trimmed();
    s = stripQuotesAndEmphasis(s);
    s.remove(label);
    s = stripQuotesAndEmphasis(s.trimmed());
    if (maxWords > 0) {
        QStringList words = s.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.size() > maxWords) {
            words = words.mid(0, maxWords);
            s = words.join(QLatin1Char(' '));
            // A cut caption should not end in a dangling comma or semicolon.
            while (!s.isEmpty() && (s.back() == QLatin1Char(',') || s.back() == QLatin1Char(';')
                                    || s.back() == QLatin1Char(':')))
                s.chop(1);
        }
    }
    return s;
}

int CaptionPrompt::wordCount(const QString& text) {
    static const QRegularExpression space(QStringLiteral("\\s+"));
    return static_cast<int>(text.split(space, Qt::SkipEmptyParts).size());
}

}  // namespace sem

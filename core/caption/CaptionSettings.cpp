#include "core/caption/CaptionSettings.h"

#include "core/common/Error.h"

#include <QSettings>
#include <QUrl>
#include <QtGlobal>

namespace sem {
namespace {

constexpr const char* kGroup = "caption";

// The one table of keys: name, how to read, check and write the field.
struct Key {
    const char* name;
    QString (*get)(const CaptionSettings&);
    // Returns an empty string on success, else why `text` is invalid.
    QString (*parse)(CaptionSettings&, const QString& text);
};

QString parseInt(const QString& text, int lo, int hi, int& out) {
    bool ok = false;
    const int v = text.trimmed().toInt(&ok);
    if (!ok || v < lo || v > hi)
        return QStringLiteral("must be an integer from %1 to %2").arg(lo).arg(hi);
    out = v;
    return {};
}

QString checkUrl(const QString& text) {
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return QStringLiteral("must be an http:// or https:// URL such as %1")
            .arg(QLatin1String(CaptionSettings::kDefaultBaseUrl));
    if (!url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment())
        return QStringLiteral("must not contain a user name, password, query or fragment");
    return {};
}

QString checkModel(const QString& text) {
    const QString m = text.trimmed();
    if (m.isEmpty() || m.size() > 200)
        return QStringLiteral("must be a model name of 1 to 200 characters");
    for (const QChar c : m)
        if (c.isSpace() || !c.isPrint())
            return QStringLiteral("must not contain spaces or control characters");
    return {};
}

QString checkDetail(const QString& text) {
    const QString d = text.trimmed();
    if (d != QLatin1String("low") && d != QLatin1String("high") && d != QLatin1String("auto"))
        return QStringLiteral("must be low, high or auto");
    return {};
}

const Key kKeys[] = {
    {"endpoint", [](const CaptionSettings& s) { return s.baseUrl; },
     [](CaptionSettings& s, const QString& t) {
         QString why = checkUrl(t);
         if (why.isEmpty()) {
             s.baseUrl = t.trimmed();
             while (s.baseUrl.endsWith(QLatin1Char('/'))) s.baseUrl.chop(1);
         }
         return why;
     }},
    {"model", [](const CaptionSettings& s) { return s.model; },
     [](CaptionSettings& s, const QString& t) {
         QString why = checkModel(t);
         if (why.isEmpty()) s.model = t.trimmed();
         return why;
     }},
    {"max-words", [](const CaptionSettings& s) { return QString::number(s.maxWords); },
     [](CaptionSettings& s, const QString& t) {
         return parseInt(t, CaptionSettings::kMinMaxWords, CaptionSettings::kMaxMaxWords, s.maxWords);
     }},
    {"detail", [](const CaptionSettings& s) { return s.detail; },
     [](CaptionSettings& s, const QString& t) {
         QString why = checkDetail(t);
         if (why.isEmpty()) s.detail = t.trimmed();
         return why;
     }},
    {"timeout", [](const CaptionSettings& s) { return QString::number(s.timeoutSeconds); },
     [](CaptionSettings& s, const QString& t) {
         return parseInt(t, CaptionSettings::kMinTimeoutSeconds, CaptionSettings::kMaxTimeoutSeconds,
                         s.timeoutSeconds);
     }},
    {"max-retries", [](const CaptionSettings& s) { return QString::number(s.maxRetries); },
     [](CaptionSettings& s, const QString& t) {
         return parseInt(t, CaptionSettings::kMinMaxRetries, CaptionSettings::kMaxMaxRetries,
                         s.maxRetries);
     }},
};

const Key& findKey(const QString& name) {
    for (const Key& k : kKeys)
        if (name == QLatin1String(k.name)) return k;
    throw Error("caption settings: unknown key \"" + name.toStdString() + "\"; known keys are "
                + CaptionSettings::keys().join(QStringLiteral(", ")).toStdString() + ".");
}

QString settingsPath(const Key& k) {
    return QLatin1String(kGroup) + QLatin1Char('/') + QLatin1String(k.name);
}

}  // namespace

QStringList CaptionSettings::keys() {
    QStringList out;
    for (const Key& k : kKeys) out << QLatin1String(k.name);
    return out;
}

QString CaptionSettings::value(const QString& key) const { return findKey(key).get(*this); }

void CaptionSettings::set(const QString& key, const QString& text) {
    const Key& k = findKey(key);
    CaptionSettings copy = *this;
    const QString why = k.parse(copy, text);
    if (!why.isEmpty())
        throw Error("caption settings: " + key.toStdString() + " " + why.toStdString() + ".");
    *this = copy;
}

CaptionSettings CaptionSettings::load(QSettings& settings, QStringList* warnings) {
    CaptionSettings s;
    for (const Key& k : kKeys) {
        const QString path = settingsPath(k);
        if (!settings.contains(path)) continue;
        const QString text = settings.value(path).toString();
        CaptionSettings copy = s;
        const QString why = k.parse(copy, text);
        if (why.isEmpty()) {
            s = copy;
            continue;
        }
        const QString warning =
            QStringLiteral("caption settings: stored %1 \"%2\" %3; using the default %4.")
                .arg(QLatin1String(k.name), text.left(80), why, k.get(s));
        if (warnings)
            warnings->append(warning);
        else
            qWarning("%s", qPrintable(warning));
    }
    return s;
}

CaptionSettings CaptionSettings::load(QStringList* warnings) {
    QSettings settings(QStringLiteral("SemCompress"), QStringLiteral("SemCompress"));
    return load(settings, warnings);
}

void CaptionSettings::save(QSettings& settings) const {
    for (const Key& k : kKeys) settings.setValue(settingsPath(k), k.get(*this));
    settings.sync();
    if (settings.status() != QSettings::NoError)
        throw Error("caption settings: could not write " + settings.fileName().toStdString() + ".");
}

void CaptionSettings::save() const {
    QSettings settings(QStringLiteral("SemCompress"), QStringLiteral("SemCompress"));
    save(settings);
}

QStringList CaptionSettings::problems() const {
    QStringList out;
    for (const Key& k : kKeys) {
        CaptionSettings copy = *this;
        const QString why = k.parse(copy, k.get(*this));
        if (!why.isEmpty())
            out << QStringLiteral("caption settings: %1 %2.").arg(QLatin1String(k.name), why);
    }
    if (backoffBaseMs < 0 || backoffCapMs < backoffBaseMs)
        out << QStringLiteral("caption settings: the retry backoff must satisfy 0 <= base <= cap.");
    return out;
}

QString CaptionSettings::chatCompletionsUrl() const {
    QString base = baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/'))) base.chop(1);
    return base + QStringLiteral("/chat/completions");
}

}  // namespace sem

#include "ui/settings/SettingsRegistry.h"

#include <QDateTime>
#include <QSettings>
#include <cmath>

#include "core/edges/CannyParams.h"
#include "core/hint/HintCodec.h"

namespace sem::ui {

namespace {

using Type = SettingSpec::Type;

std::vector<SettingSpec> makeSpecs()
{
    const CannyParams c;
    const HintParams h;
    return {
        {Setting::DecodeModelPath, "decode/modelPath", Type::String, QString(), {}, {}, {}},
        {Setting::DecodeControlnetPath, "decode/controlnetPath", Type::String, QString(), {}, {}, {}},
        {Setting::DecodeDevice, "decode/device", Type::String, QStringLiteral("auto"), {}, {},
         {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}},
        {Setting::DecodePreviewEvery, "decode/previewEvery", Type::Int, 5, 0, 1000, {}},
        {Setting::DecodeVariations, "decode/variations", Type::Int, 1, 1, SettingsRegistry::kMaxVariations, {}},
        {Setting::RecentFiles, "recentFiles", Type::StringList, QStringList(), {}, {}, {}},
        {Setting::LastDirectory, "lastDirectory", Type::String, QString(), {}, {}, {}},
        {Setting::SessionImagePath, "imagePath", Type::String, QString(), {}, {}, {}},
        // The edge and hint settings are checked as a whole (CannyParams/HintParams::validate)
        // after reading: here only their types.
        {Setting::SessionCannyLow, "canny/low", Type::Double, c.low, {}, {}, {}},
        {Setting::SessionCannyHigh, "canny/high", Type::Double, c.high, {}, {}, {}},
        {Setting::SessionCannyAuto, "canny/auto", Type::Bool, c.autoThresholds, {}, {}, {}},
        {Setting::SessionCannyAutoSigma, "canny/autoSigma", Type::Double, c.autoSigma, {}, {}, {}},
        {Setting::SessionCannyBlur, "canny/blur", Type::Double, c.blurSigma, {}, {}, {}},
        {Setting::SessionCannyAperture, "canny/aperture", Type::Int, c.aperture, {}, {}, {}},
        {Setting::SessionCannyL2, "canny/l2", Type::Bool, c.l2Gradient, {}, {}, {}},
        {Setting::SessionCannyScale, "canny/scale", Type::Int, c.scaleDenominator, {}, {}, {}},
        {Setting::SessionCannyMinLength, "canny/minLength", Type::Int, c.minLength, {}, {}, {}},
        {Setting::SessionCannyRgb, "canny/rgb", Type::Bool, c.perChannel, {}, {}, {}},
        {Setting::SessionHintFactor, "hint/factor", Type::Int, h.factor, {}, {}, {}},
        {Setting::SessionHintQuality, "hint/quality", Type::Int, h.quality, {}, {}, {}},
        {Setting::SessionCaption, "caption", Type::String, QString(), {}, {}, {}},
        {Setting::SessionSavedAt, "savedAt", Type::DateTime, QDateTime(), {}, {}, {}},
    };
}

bool toBool(const QVariant& v, bool* ok)
{
    if (v.typeId() == QMetaType::Bool) {
        *ok = true;
        return v.toBool();
    }
    const QString s = v.toString().trimmed().toLower();
    *ok = s == QLatin1String("true") || s == QLatin1String("false") || s == QLatin1String("1")
          || s == QLatin1String("0");
    return s == QLatin1String("true") || s == QLatin1String("1");
}

// The value in the key's type, or an invalid QVariant when it has another type.
QVariant convert(const SettingSpec& spec, const QVariant& v)
{
    bool ok = false;
    switch (spec.type) {
    case Type::String:
        return v.canConvert<QString>() && v.typeId() != QMetaType::QStringList ? QVariant(v.toString()) : QVariant();
    case Type::StringList:
        return v.canConvert<QStringList>() ? QVariant(v.toStringList()) : QVariant();
    case Type::Int: {
        const int i = v.toInt(&ok);
        return ok ? QVariant(i) : QVariant();
    }
    case Type::Double: {
        const double d = v.toDouble(&ok);
        return ok && std::isfinite(d) ? QVariant(d) : QVariant();
    }
    case Type::Bool: {
        const bool b = toBool(v, &ok);
        return ok ? QVariant(b) : QVariant();
    }
    case Type::DateTime: {
        const QDateTime t = v.toDateTime();
        return t.isValid() ? QVariant(t) : QVariant();
    }
    }
    return {};
}

bool inRange(const SettingSpec& spec, const QVariant& v)
{
    if (spec.min.isValid() && QVariant::compare(v, spec.min) == QPartialOrdering::Less)
        return false;
    if (spec.max.isValid() && QVariant::compare(v, spec.max) == QPartialOrdering::Greater)
        return false;
    return spec.choices.isEmpty() || spec.choices.contains(v.toString());
}

}  // namespace

const std::vector<SettingSpec>& SettingsRegistry::all()
{
    static const std::vector<SettingSpec> specs = makeSpecs();
    return specs;
}

const SettingSpec& SettingsRegistry::spec(Setting id)
{
    return all().at(static_cast<std::size_t>(id));  // makeSpecs() lists them in enum order
}

QString SettingsRegistry::key(Setting id, const QString& group)
{
    const QString k = QString::fromLatin1(spec(id).key);
    return group.isEmpty() ? k : group + QLatin1Char('/') + k;
}

QVariant SettingsRegistry::defaultValue(Setting id)
{
    return spec(id).defaultValue;
}

bool SettingsRegistry::validate(Setting id, const QVariant& value, QVariant* normalised)
{
    const SettingSpec& s = spec(id);
    const QVariant v = value.isValid() ? convert(s, value) : QVariant();
    if (!v.isValid() || !inRange(s, v))
        return false;
    if (normalised)
        *normalised = v;
    return true;
}

QVariant SettingsRegistry::value(Setting id, const QString& group)
{
    const QVariant stored = QSettings().value(key(id, group));
    QVariant v;
    return validate(id, stored, &v) ? v : defaultValue(id);
}

bool SettingsRegistry::setValue(Setting id, const QVariant& value, const QString& group)
{
    QVariant v;
    if (!validate(id, value, &v))
        return false;
    QSettings().setValue(key(id, group), v);
    return true;
}

void SettingsRegistry::remove(Setting id, const QString& group)
{
    QSettings().remove(key(id, group));
}

void SettingsRegistry::removeGroup(const QString& group)
{
    QSettings().remove(group);
}

void SettingsRegistry::moveGroup(const QString& from, const QString& to)
{
    QSettings s;
    s.remove(to);
    s.beginGroup(from);
    const QStringList keys = s.allKeys();
    QList<QVariant> values;
    for (const QString& k : keys)
        values << s.value(k);
    s.endGroup();
    s.beginGroup(to);
    for (int i = 0; i < keys.size(); ++i)
        s.setValue(keys[i], values[i]);
    s.endGroup();
    s.remove(from);
}

}  // namespace sem::ui

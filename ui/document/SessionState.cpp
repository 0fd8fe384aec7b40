#include "ui/document/SessionState.h"

#include "ui/document/Document.h"
#include "ui/settings/SettingsRegistry.h"

namespace sem::ui {

SessionState SessionState::read(const QString& group)
{
    auto get = [&group](Setting id) { return SettingsRegistry::value(id, group); };
    SessionState st;
    st.imagePath = get(Setting::SessionImagePath).toString();
    CannyParams& c = st.canny;
    c.low = get(Setting::SessionCannyLow).toDouble();
    c.high = get(Setting::SessionCannyHigh).toDouble();
    c.autoThresholds = get(Setting::SessionCannyAuto).toBool();
    c.autoSigma = get(Setting::SessionCannyAutoSigma).toDouble();
    c.blurSigma = get(Setting::SessionCannyBlur).toDouble();
    c.aperture = get(Setting::SessionCannyAperture).toInt();
    c.l2Gradient = get(Setting::SessionCannyL2).toBool();
    c.scaleDenominator = get(Setting::SessionCannyScale).toInt();
    c.minLength = get(Setting::SessionCannyMinLength).toInt();
    c.perChannel = get(Setting::SessionCannyRgb).toBool();
    try {
        c.validate();
    } catch (const std::exception&) {
        st.cannyValid = false;
    }
    st.hint.factor = get(Setting::SessionHintFactor).toInt();
    st.hint.quality = get(Setting::SessionHintQuality).toInt();
    try {
        st.hint.validate();
    } catch (const std::exception&) {
        st.hintValid = false;
    }
    st.caption = get(Setting::SessionCaption).toString();
    st.savedAt = get(Setting::SessionSavedAt).toDateTime();
    return st;
}

void SessionState::write(const QString& group, const QString& imagePath, const DocumentSettings& settings)
{
    SettingsRegistry::removeGroup(group);
    auto set = [&group](Setting id, const QVariant& v) { SettingsRegistry::setValue(id, v, group); };
    set(Setting::SessionImagePath, imagePath);
    const CannyParams& c = settings.canny;
    set(Setting::SessionCannyLow, c.low);
    set(Setting::SessionCannyHigh, c.high);
    set(Setting::SessionCannyAuto, c.autoThresholds);
    set(Setting::SessionCannyAutoSigma, c.autoSigma);
    set(Setting::SessionCannyBlur, c.blurSigma);
    set(Setting::SessionCannyAperture, c.aperture);
    set(Setting::SessionCannyL2, c.l2Gradient);
    set(Setting::SessionCannyScale, c.scaleDenominator);
    set(Setting::SessionCannyMinLength, c.minLength);
    set(Setting::SessionCannyRgb, c.perChannel);
    set(Setting::SessionHintFactor, settings.hint.factor);
    set(Setting::SessionHintQuality, settings.hint.quality);
    set(Setting::SessionCaption, settings.caption);
    set(Setting::SessionSavedAt, QDateTime::currentDateTimeUtc());
}

}  // namespace sem::ui

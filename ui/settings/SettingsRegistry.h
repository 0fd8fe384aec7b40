#pragma once
#include <QString>
#include <QStringList>
#include <QVariant>
#include <vector>

namespace sem::ui {

// Every QSettings key of the app, with its type and default, in one place (the caption service's
// keys, "caption/...", are CaptionSettings' in core/caption: the CLI reads them too).
enum class Setting {
    // The Settings dialog's decoder settings.
    DecodeModelPath,       // "decode/modelPath": empty = the shipped default model
    DecodeControlnetPath,  // "decode/controlnetPath": empty = the model's own, or none
    DecodeDevice,          // "decode/device": auto, cpu or cuda
    DecodePreviewEvery,    // "decode/previewEvery": steps between previews, 0 = none
    // The Decode panel's variations: how many seeds a sampled decode draws side by side.
    DecodeVariations,      // "decode/variations": 1 (one decode) .. kMaxVariations
    // File menu.
    RecentFiles,    // "recentFiles": absolute paths, newest first
    LastDirectory,  // "lastDirectory": where the open dialog starts
    // The working state, under a session group (kAutosaveGroup or kPreviousSessionGroup).
    SessionImagePath,
    SessionCannyLow,
    SessionCannyHigh,
    SessionCannyAuto,
    SessionCannyAutoSigma,
    SessionCannyBlur,
    SessionCannyAperture,
    SessionCannyL2,
    SessionCannyScale,
    SessionCannyMinLength,
    SessionCannyRgb,
    SessionHintFactor,
    SessionHintQuality,
    SessionCaption,
    SessionSavedAt,
};

struct SettingSpec {
    enum class Type { String, StringList, Int, Double, Bool, DateTime };
    Setting id;
    const char* key;  // relative to the session group for the Session* settings
    Type type;
    QVariant defaultValue;
    QVariant min, max;    // Int and Double: the accepted range, when set
    QStringList choices;  // String: the accepted values, when set
};

// Reads and writes the settings above through QSettings (organisation and application
// "SemCompress"). A stored value of the wrong type, out of range or not among the choices reads as
// the default: a hand-edited or corrupt settings file never reaches the app.
class SettingsRegistry {
public:
    static constexpr const char* kAutosaveGroup = "autosave";
    static constexpr const char* kPreviousSessionGroup = "previousSession";
    static constexpr int kMaxVariations = 9;  // the range of Setting::DecodeVariations: 1..9

    static const std::vector<SettingSpec>& all();
    static const SettingSpec& spec(Setting id);
    static QString key(Setting id, const QString& group = QString());  // "group/key" with a group
    static QVariant defaultValue(Setting id);
    // Whether `value` is acceptable for `id`; `normalised` (if given) receives it in the key's type.
    static bool validate(Setting id, const QVariant& value, QVariant* normalised = nullptr);

    static QVariant value(Setting id, const QString& group = QString());
    static QString string(Setting id, const QString& group = QString()) { return value(id, group).toString(); }
    static QStringList stringList(Setting id) { return value(id).toStringList(); }
    static int integer(Setting id, const QString& group = QString()) { return value(id, group).toInt(); }
    // Stores `value`; false (nothing stored) when it is not acceptable for the key.
    static bool setValue(Setting id, const QVariant& value, const QString& group = QString());
    static void remove(Setting id, const QString& group = QString());
    static void removeGroup(const QString& group);
    // Copies every key of group `from` to group `to` (emptied first), then removes `from`.
    static void moveGroup(const QString& from, const QString& to);
};

}  // namespace sem::ui

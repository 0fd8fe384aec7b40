#pragma once
#include <QDateTime>
#include <QString>

#include "core/edges/CannyParams.h"
#include "core/hint/HintCodec.h"

namespace sem::ui {

struct DocumentSettings;

// A document's working state as autosaved (SettingsRegistry's session keys under a group:
// SettingsRegistry::kAutosaveGroup or kPreviousSessionGroup), so that a session that did not exit
// cleanly can be restored: the image file, the edge and hint settings and the caption.
struct SessionState {
    QString imagePath;
    CannyParams canny;
    bool cannyValid = true;  // read back untrusted: false when the stored settings are inconsistent
    HintParams hint;
    bool hintValid = true;
    QString caption;
    QDateTime savedAt;

    static SessionState read(const QString& group);
    // Replaces the group with this image's state, saved now.
    static void write(const QString& group, const QString& imagePath, const DocumentSettings& settings);
};

}  // namespace sem::ui

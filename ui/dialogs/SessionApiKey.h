#pragma once
#include <QString>

#include "core/caption/ApiKeyStore.h"

namespace sem::ui {

// An API key kept for this run of the app only, for a machine whose OS keychain does not work
// (no D-Bus session, no Secret Service): held in this process's memory, never written to a file,
// QSettings, the autosave or a log, and gone when the app quits (issue 20).
class SessionApiKey {
public:
    static void set(const QString& key);  // the caller has validated it (ApiKeyField)
    static void clear();
    static bool isSet();
    static QString key();
    // What the caption client uses: OPENAI_API_KEY first, then the session key when one is set
    // (without asking the keychain, which failed), else the keychain (ApiKeyStore::find()).
    static ApiKeyStore::Lookup lookup();
};

}  // namespace sem::ui

#pragma once
#include <QString>

namespace sem {

// Where the OpenAI API key comes from: the environment variable OPENAI_API_KEY first, else the
// OS keychain through QtKeychain (service "SemCompress", key "openai-api-key"). The key is never
// written to QSettings or any file, and no function here puts it in a message.
// All functions block (a local event loop runs while the keychain answers); they need a
// QCoreApplication. The keychain can be unavailable (no D-Bus session, no Secret Service):
// that is reported, never papered over with a plain-text fallback.
class ApiKeyStore {
public:
    static constexpr const char* kEnvironmentVariable = "OPENAI_API_KEY";
    static constexpr const char* kService = "SemCompress";
    static constexpr const char* kKeychainKey = "openai-api-key";

    enum class Source { None, Environment, Keychain };

    struct Lookup {
        QString key;              // empty when none was found
        Source source = Source::None;
        QString keychainProblem;  // why the keychain could not be read (empty if it could,
                                  // or if it was not asked because the environment had a key)
    };

    // The key and where it came from. Never throws: an unavailable keychain is reported in
    // `keychainProblem`, and the caller decides (a local server needs no key).
    static Lookup find();

    // Store / remove the key in the keychain. Throw sem::Error("API key store: ...") when the
    // keychain refuses or is unavailable. Deleting a key that is not there is not an error.
    static void storeInKeychain(const QString& key);
    static void deleteFromKeychain();

    static QString sourceName(Source source);  // "environment variable OPENAI_API_KEY", ...
};

}  // namespace sem

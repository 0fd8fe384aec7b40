#pragma once
#include <QWidget>
#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace sem::ui {

// The API key row of the Settings dialog: a password field that stores a typed key in the OS
// keychain (ApiKeyStore). When the keychain fails (no D-Bus session, no Secret Service: common on
// minimal desktops and containers), it says that the keychain service is missing and offers to
// keep the key for this session only (SessionApiKey: in memory, never written anywhere) instead
// of failing for good. Never falls back to a file.
class ApiKeyField : public QWidget {
    Q_OBJECT
public:
    using Store = std::function<void(const QString& key)>;  // throws when the keychain fails

    explicit ApiKeyField(QWidget* parent = nullptr);

    // Replaces the keychain (ApiKeyStore::storeInKeychain by default); for tests, which must
    // never touch a real keychain.
    void setStore(Store store);

    void reset();  // empty field, the status of the key in use, no session offer
    // Stores a typed key (nothing typed: nothing to do). False with a message in `error` (never
    // containing the key) when it could not be stored; the session-only choice is then offered
    // and, once ticked, the next apply() keeps the key in memory and succeeds.
    bool apply(QString* error);

    QLineEdit* edit() const { return m_edit; }
    QCheckBox* sessionOnlyCheck() const { return m_sessionOnly; }
    QString statusText() const;
    bool keychainFailed() const { return m_keychainFailed; }

private:
    QLineEdit* m_edit = nullptr;
    QLabel* m_status = nullptr;
    QCheckBox* m_sessionOnly = nullptr;
    Store m_store;
    bool m_keychainFailed = false;
};

}  // namespace sem::ui

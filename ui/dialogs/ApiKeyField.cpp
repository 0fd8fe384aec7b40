#include "ui/dialogs/ApiKeyField.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "core/caption/ApiKeyStore.h"
#include "ui/dialogs/SessionApiKey.h"

namespace sem::ui {

namespace {
// The same rule as ApiKeyStore::storeInKeychain: printable ASCII without spaces.
bool plausibleKey(const QString& key)
{
    if (key.isEmpty())
        return false;
    for (const QChar c : key)
        if (c.isSpace() || !c.isPrint() || c.unicode() > 0x7e)
            return false;
    return true;
}
}  // namespace

ApiKeyField::ApiKeyField(QWidget* parent) : QWidget(parent), m_store(&ApiKeyStore::storeInKeychain)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_edit = new QLineEdit(this);
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setPlaceholderText(tr("leave empty to keep the stored key"));
    layout->addWidget(m_edit);
    m_sessionOnly = new QCheckBox(tr("Use this key for this session only (kept in memory, never written)"), this);
    m_sessionOnly->setToolTip(tr("The key is forgotten when SemCompress quits; it is never written to a file, "
                                 "the settings or the autosave."));
    layout->addWidget(m_sessionOnly);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    reset();
}

void ApiKeyField::setStore(Store store)
{
    m_store = std::move(store);
}

void ApiKeyField::reset()
{
    m_edit->clear();
    m_keychainFailed = false;
    m_sessionOnly->setChecked(false);
    m_sessionOnly->setVisible(false);
    m_status->setText(SessionApiKey::isSet()
                          ? tr("A session-only key is in use (kept in memory until SemCompress quits). A key "
                               "typed here is stored in the system keychain if it works.")
                          : tr("A key typed here is stored in the system keychain, never in the settings file."));
}

QString ApiKeyField::statusText() const
{
    return m_status->text();
}

bool ApiKeyField::apply(QString* error)
{
    const QString key = m_edit->text().trimmed();
    if (key.isEmpty())
        return true;
    if (m_keychainFailed && m_sessionOnly->isChecked()) {
        if (!plausibleKey(key)) {
            if (error)
                *error = tr("API key: the key contains spaces, control or non-ASCII characters.");
            return false;
        }
        SessionApiKey::set(key);
        m_edit->clear();
        m_sessionOnly->setVisible(false);
        m_status->setText(tr("The key is kept in memory for this session only; it is never written anywhere and "
                             "is forgotten when SemCompress quits."));
        return true;
    }
    try {
        m_store(key);
    } catch (const std::exception& e) {
        m_keychainFailed = true;
        m_sessionOnly->setVisible(true);
        m_status->setText(tr("The system keychain service is missing or refused the key (on Linux it needs a "
                             "Secret Service such as GNOME Keyring or KWallet on the D-Bus session bus)."));
        if (error)
            *error = tr("%1 Tick \"Use this key for this session only\" to use it until SemCompress quits "
                        "without writing it anywhere.")
                         .arg(QString::fromUtf8(e.what()));
        return false;  // the key is not written anywhere else
    }
    SessionApiKey::clear();  // the keychain works and holds the key now
    m_edit->clear();
    m_sessionOnly->setVisible(false);
    m_status->setText(tr("The key is stored in the system keychain."));
    return true;
}

}  // namespace sem::ui

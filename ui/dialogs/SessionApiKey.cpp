#include "ui/dialogs/SessionApiKey.h"

namespace sem::ui {

namespace {
QString& storage()
{
    static QString key;
    return key;
}
}  // namespace

void SessionApiKey::set(const QString& key)
{
    storage() = key.trimmed();
}

void SessionApiKey::clear()
{
    storage().fill(QLatin1Char('\0'));  // overwrite what we can before letting it go
    storage().clear();
}

bool SessionApiKey::isSet()
{
    return !storage().isEmpty();
}

QString SessionApiKey::key()
{
    return storage();
}

ApiKeyStore::Lookup SessionApiKey::lookup()
{
    const QString env = qEnvironmentVariable(ApiKeyStore::kEnvironmentVariable).trimmed();
    if (env.isEmpty() && isSet()) {
        ApiKeyStore::Lookup out;
        out.key = key();
        return out;  // source None: no store holds it
    }
    return ApiKeyStore::find();
}

}  // namespace sem::ui

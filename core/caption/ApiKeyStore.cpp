#include "core/caption/ApiKeyStore.h"

#include "core/common/Error.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QtGlobal>
#include <qt6keychain/keychain.h>

namespace sem {
namespace {

void requireApplication() {
    if (!QCoreApplication::instance())
        throw Error("API key store: the keychain needs a QCoreApplication.");
}

// Runs a keychain job to completion in a local event loop.
void runJob(QKeychain::Job& job) {
    job.setAutoDelete(false);
    job.setInsecureFallback(false);  // never a plain-text file
    job.setKey(QLatin1String(ApiKeyStore::kKeychainKey));
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
}

QString describe(const QKeychain::Job& job) {
    QString why = job.errorString().trimmed();
    while (why.endsWith(QLatin1Char('.'))) why.chop(1);
    if (why.isEmpty() || why.compare(QLatin1String("Unknown error"), Qt::CaseInsensitive) == 0) {
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
        why = QStringLiteral("no details; is a Secret Service such as GNOME Keyring or KWallet running "
                             "on the D-Bus session bus?");
#else
        why = QStringLiteral("no details");
#endif
    }
    switch (job.error()) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return QStringLiteral("the OS keychain is unavailable (%1)").arg(why);
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return QStringLiteral("access to the OS keychain was denied (%1)").arg(why);
    default:
        return QStringLiteral("the OS keychain could not be used (%1)").arg(why);
    }
}

}  // namespace

ApiKeyStore::Lookup ApiKeyStore::find() {
    Lookup out;
    const QString env = qEnvironmentVariable(kEnvironmentVariable).trimmed();
    if (!env.isEmpty()) {
        out.key = env;
        out.source = Source::Environment;
        return out;
    }
    if (!QCoreApplication::instance()) {
        out.keychainProblem = QStringLiteral("the keychain needs a QCoreApplication");
        return out;
    }
    QKeychain::ReadPasswordJob job{QString::fromLatin1(kService)};
    runJob(job);
    if (job.error() == QKeychain::NoError) {
        out.key = job.textData().trimmed();
        if (!out.key.isEmpty()) out.source = Source::Keychain;
    } else if (job.error() != QKeychain::EntryNotFound) {
        out.keychainProblem = describe(job);
    }
    return out;
}

void ApiKeyStore::storeInKeychain(const QString& key) {
    requireApplication();
    const QString trimmed = key.trimmed();
    if (trimmed.isEmpty()) throw Error("API key store: the key is empty.");
    for (const QChar c : trimmed)
        if (c.isSpace() || !c.isPrint() || c.unicode() > 0x7e)
            throw Error("API key store: the key contains spaces, control or non-ASCII characters.");
    QKeychain::WritePasswordJob job{QString::fromLatin1(kService)};
    job.setTextData(trimmed);
    runJob(job);
    if (job.error() != QKeychain::NoError)
        throw Error("API key store: could not save the key: " + describe(job).toStdString() + ".");
}

void ApiKeyStore::deleteFromKeychain() {
    requireApplication();
    QKeychain::DeletePasswordJob job{QString::fromLatin1(kService)};
    runJob(job);
    if (job.error() != QKeychain::NoError && job.error() != QKeychain::EntryNotFound)
        throw Error("API key store: could not delete the key: " + describe(job).toStdString() + ".");
}

QString ApiKeyStore::sourceName(Source source) {
    switch (source) {
    case Source::Environment:
        return QStringLiteral("environment variable %1").arg(QLatin1String(kEnvironmentVariable));
    case Source::Keychain:
        return QStringLiteral("OS keychain (service %1, key %2)")
            .arg(QLatin1String(kService), QLatin1String(kKeychainKey));
    case Source::None:
        break;
    }
    return QStringLiteral("none");
}

}  // namespace sem

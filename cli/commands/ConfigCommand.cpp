#include "cli/commands/ConfigCommand.h"

#include "core/caption/ApiKeyStore.h"
#include "core/caption/CaptionSettings.h"
#include "core/common/Error.h"

#include <QCommandLineParser>
#include <QSettings>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

namespace sem::cli {
namespace {

int failConfig(Io& io, const QString& message) {
    io.err << "semc config: " << message.toStdString() << '\n';
    return kBadInput;
}

const char* kHelp =
    "Usage: semc config show [--json]\n"
    "       semc config set KEY VALUE\n"
    "       semc config set-key\n"
    "       semc config delete-key\n"
    "\n"
    "Shows or changes the caption settings.\n"
    "\n"
    "  show         the settings, their file, and whether an API key is available and from where\n"
    "  set          KEY is one of: endpoint, model, max-words, detail, timeout, max-retries\n"
    "  set-key      reads the API key from standard input and stores it in the OS keychain\n"
    "               (the key is never taken from the command line, never written to a file)\n"
    "  delete-key   removes the API key from the OS keychain\n"
    "\n"
    "The environment variable OPENAI_API_KEY, when set, is used before the keychain.\n";

// Reads one line from `in` without echo when it is the terminal.
std::string readSecretLine(std::istream& in, Io& io) {
#ifdef Q_OS_UNIX
    const bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
    termios saved{};
    if (terminal && tcgetattr(STDIN_FILENO, &saved) == 0) {
        io.err << "API key: " << std::flush;
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::string line;
        std::getline(in, line);
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        io.err << '\n';
        return line;
    }
#else
    (void)io;
#endif
    std::string line;
    std::getline(in, line);
    return line;
}

int show(bool asJson, Io& io) {
    QStringList warnings;
    const CaptionSettings settings = CaptionSettings::load(&warnings);
    for (const QString& w : warnings) io.err << "semc config: warning: " << w.toStdString() << '\n';
    const QString file = QSettings(QStringLiteral("SemCompress"), QStringLiteral("SemCompress")).fileName();
    const ApiKeyStore::Lookup key = ApiKeyStore::find();
    const bool available = !key.key.isEmpty();
    if (asJson) {
        nlohmann::json j;
        for (const QString& k : CaptionSettings::keys()) j["caption"][k.toStdString()] = settings.value(k).toStdString();
        j["settings_file"] = file.toStdString();
        j["api_key"] = {{"available", available},
                        {"source", available ? ApiKeyStore::sourceName(key.source).toStdString() : std::string()},
                        {"keychain_problem", key.keychainProblem.toStdString()}};
        io.out << j.dump(2) << '\n';
        return kOk;
    }
    for (const QString& k : CaptionSettings::keys())
        io.out << k.leftJustified(13).toStdString() << settings.value(k).toStdString() << '\n';
    io.out << "settings file: " << file.toStdString() << '\n';
    if (available) {
        io.out << "API key: available from the " << ApiKeyStore::sourceName(key.source).toStdString() << '\n';
    } else {
        io.out << "API key: none (" << ApiKeyStore::kEnvironmentVariable << " is not set; "
               << (key.keychainProblem.isEmpty() ? QStringLiteral("the OS keychain has no key") : key.keychainProblem)
                      .toStdString()
               << ")\n";
    }
    return kOk;
}

}  // namespace

ConfigCommand::ConfigCommand() : input_(std::cin) {}
ConfigCommand::ConfigCommand(std::istream& input) : input_(input) {}

std::string ConfigCommand::summary() const {
    return "Show or change the caption settings and the API key (kept in the OS keychain).";
}

int ConfigCommand::run(const QStringList& args, Io& io) {
    QCommandLineParser parser;
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    const QCommandLineOption json("json", "show: print JSON.");
    parser.addOptions({help, json});
    parser.addPositionalArgument("ACTION", "show, set, set-key or delete-key");
    if (!parser.parse(QStringList{QStringLiteral("semc config")} + args)) return failConfig(io, parser.errorText());
    if (parser.isSet(help)) {
        io.out << kHelp;
        return kOk;
    }
    const QStringList pos = parser.positionalArguments();
    const QString action = pos.value(0);
    try {
        if (action == QLatin1String("show") && pos.size() == 1) return show(parser.isSet(json), io);
        if (action == QLatin1String("set") && pos.size() >= 2 && pos[1].contains(QLatin1String("key"), Qt::CaseInsensitive))
            return failConfig(io, QStringLiteral("the API key is never given on the command line; "
                                                 "use \"semc config set-key\", which reads it from standard input."));
        if (action == QLatin1String("set") && pos.size() == 3) {
            QStringList warnings;
            CaptionSettings settings = CaptionSettings::load(&warnings);
            for (const QString& w : warnings) io.err << "semc config: warning: " << w.toStdString() << '\n';
            settings.set(pos[1], pos[2]);
            settings.save();
            io.out << pos[1].toStdString() << " = " << settings.value(pos[1]).toStdString() << '\n';
            return kOk;
        }
        if (action == QLatin1String("set-key") && pos.size() > 1)
            return failConfig(io, QStringLiteral("set-key takes no argument: it reads the key from standard input."));
        if (action == QLatin1String("set-key")) {
            const std::string line = readSecretLine(input_, io);
            ApiKeyStore::storeInKeychain(QString::fromStdString(line));
            io.out << "API key stored in the " << ApiKeyStore::sourceName(ApiKeyStore::Source::Keychain).toStdString()
                   << '\n';
            if (!qEnvironmentVariableIsEmpty(ApiKeyStore::kEnvironmentVariable))
                io.err << "semc config: note: " << ApiKeyStore::kEnvironmentVariable
                       << " is set and takes precedence over the keychain.\n";
            return kOk;
        }
        if (action == QLatin1String("delete-key") && pos.size() == 1) {
            ApiKeyStore::deleteFromKeychain();
            io.out << "API key removed from the OS keychain\n";
            return kOk;
        }
    } catch (const Error& e) {
        return failConfig(io, QString::fromStdString(e.what()));
    }
    if (action.isEmpty()) return failConfig(io, QStringLiteral("expected an action: show, set, set-key or delete-key."));
    if (action == QLatin1String("set") && pos.size() != 3)
        return failConfig(io, QStringLiteral("usage: semc config set KEY VALUE, KEY one of %1.")
                                .arg(CaptionSettings::keys().join(QStringLiteral(", "))));
    // Arguments are not echoed: one of them could be a key typed by mistake.
    return failConfig(io, QStringLiteral("unknown action or wrong number of arguments; see semc config --help."));
}

}  // namespace sem::cli

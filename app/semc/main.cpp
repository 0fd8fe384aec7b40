#include <QCoreApplication>
#include <QDir>
#include <QLibrary>
#include <iostream>

#include "cli/Command.h"
#include "cli/dispatch/LightCli.h"

namespace {

using RunCli = int (*)(const QStringList*, sem::cli::Io*);

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName("SemCompress");
    QCoreApplication::setApplicationName("SemCompress");
    sem::cli::Io io{std::cout, std::cerr};
    const QStringList arguments = QCoreApplication::arguments();
    // --version and info without the decoder engine; every other command from the module.
    if (const std::optional<int> code = sem::cli::runLightCommand(arguments, io))
        return *code;
    const QString path = QDir::cleanPath(QDir(QCoreApplication::applicationDirPath()).filePath(SEMC_COMMANDS_MODULE));
    QLibrary module(path);
    const auto run = reinterpret_cast<RunCli>(module.resolve("semc_run_cli"));
    if (!run) {
        std::cerr << "semc: cannot load the commands module " << path.toStdString() << " ("
                  << module.errorString().toStdString() << "); reinstall SemCompress\n";
        return sem::cli::kBadInput;
    }
    return run(&arguments, &io);
}

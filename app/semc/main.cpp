#include <QCoreApplication>
#include <iostream>

#include "cli/Command.h"

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName("SemCompress");
    QCoreApplication::setApplicationName("SemCompress");
    sem::cli::Io io{std::cout, std::cerr};
    return sem::cli::runCli(QCoreApplication::arguments(), io);
}

#pragma once
#include "cli/Command.h"

#include <iosfwd>

namespace sem::cli {

// `semc config show [--json]`      the caption settings, where they are stored, and whether an
//                                  API key is available and from where (never the key itself)
// `semc config set KEY VALUE`      KEY: endpoint, model, max-words, detail, timeout, max-retries
// `semc config set-key`            reads the API key from standard input (no echo on a terminal)
//                                  and stores it in the OS keychain; never from the command line
// `semc config delete-key`         removes it from the OS keychain
class ConfigCommand : public Command {
public:
    ConfigCommand();                              // set-key reads std::cin
    explicit ConfigCommand(std::istream& input);  // for tests
    std::string name() const override { return "config"; }
    std::string summary() const override;
    int run(const QStringList& args, Io& io) override;

private:
    std::istream& input_;
};

}  // namespace sem::cli

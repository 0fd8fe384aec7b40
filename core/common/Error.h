#pragma once
#include <stdexcept>
#include <string>

namespace sem {

// The one exception type of the core. Its message is a complete sentence fit for a user
// ("edge stream: JBIG data truncated"); the CLI prints it and exits 1, the GUI shows it.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace sem

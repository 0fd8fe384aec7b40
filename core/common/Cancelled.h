#pragma once
#include <stdexcept>

namespace sem {

// Thrown by long core operations (Decoder::decode, Decoder::generate) when the caller's cancel
// flag was set. Deliberately NOT an Error: a cancel is not a failure, and a handler for Error must
// not swallow it by accident. The decoder turns the engine's own cancellation into this type, so
// the UI and the CLI never include the engine's headers to catch it.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace sem

#pragma once
#include <stdexcept>
#include <string>

#include "base/Error.h"

namespace sem::diffusion {

// Every failure of the engine (bad model file, bad conditions, device problems). Derives from
// sem::Error (base/Error.h, shared with core/ without either including the other) so that the CLI
// and the GUI report it like any other core error; the message is one sentence naming what is
// wrong, prefixed with the part ("safetensors: ...", "model card: ...").
class Error : public sem::Error {
public:
    explicit Error(const std::string& message) : sem::Error(message) {}
};

// Thrown by Engine::decode when the cancel flag was set. Deliberately NOT an Error: a cancel is
// not a failure, and a handler for Error must not swallow it by accident.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("decode cancelled") {}
};

}  // namespace sem::diffusion

#pragma once
#include <atomic>

namespace sem::cli {

// While it lives, Ctrl-C (SIGINT) and SIGTERM set a flag instead of killing the process, so a
// batch stops after the files in progress (a decode in progress stops within one step and writes
// nothing); the previous handlers come back when it goes out of scope. One at a time.
class BatchInterrupt {
public:
    BatchInterrupt();
    ~BatchInterrupt();
    BatchInterrupt(const BatchInterrupt&) = delete;
    BatchInterrupt& operator=(const BatchInterrupt&) = delete;

    const std::atomic<bool>* flag() const;
    bool interrupted() const { return flag()->load(); }
    // Sets the flag as Ctrl-C would (tests, and callers that stop a batch themselves).
    static void request();
};

}  // namespace sem::cli

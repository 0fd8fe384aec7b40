#pragma once
#include <functional>
#include <string>

namespace sem::training {

// Where this process stands in a distributed run, from the variables torchrun (and our docs for
// srun) set: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT. No WORLD_SIZE and no RANK:
// one process, exactly like a plain run. Plain C++ (no torch).
struct DistributedEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddress;
    int masterPort = 0;

    bool active() const { return worldSize > 1; }

    // Reads the variables through `get` (returns nullptr for an unset one); throws sem::Error with
    // a sentence naming the variable when a value is missing or invalid.
    static DistributedEnv parse(const std::function<const char*(const char*)>& get);
    static DistributedEnv fromEnvironment();
};

}  // namespace sem::training

#include "training/loop/DistributedEnv.h"

#include <cerrno>
#include <cstdlib>

#include "core/common/Error.h"

namespace sem::training {

namespace {

// A decimal integer in [lo, hi], or throws naming the variable.
int integer(const char* name, const char* value, long lo, long hi, const std::string& range)
{
    char* end = nullptr;
    errno = 0;
    const long v = value && *value ? std::strtol(value, &end, 10) : 0;
    if (!value || !*value || *end != '\0' || errno != 0 || v < lo || v > hi)
        throw Error(std::string("distributed: ") + name + " '" + (value ? value : "") + "' is not an integer in " +
                    range + ".");
    return static_cast<int>(v);
}

}  // namespace

DistributedEnv DistributedEnv::parse(const std::function<const char*(const char*)>& get)
{
    DistributedEnv env;
    const char* world = get("WORLD_SIZE");
    const char* rank = get("RANK");
    if (!world && !rank)
        return env;  // a plain single-process run
    if (!world || !rank)
        throw Error(std::string("distributed: ") + (world ? "RANK" : "WORLD_SIZE") +
                    " is not set (a distributed run needs RANK and WORLD_SIZE, as torchrun sets them).");
    env.worldSize = integer("WORLD_SIZE", world, 1, 65536, "1..65536");
    env.rank = integer("RANK", rank, 0, env.worldSize - 1, "0.." + std::to_string(env.worldSize - 1));
    if (const char* local = get("LOCAL_RANK"))
        env.localRank = integer("LOCAL_RANK", local, 0, 65535, "0..65535");
    if (!env.active())
        return env;
    const char* address = get("MASTER_ADDR");
    if (!address || !*address)
        throw Error("distributed: MASTER_ADDR is not set (the host name or address of rank 0).");
    env.masterAddress = address;
    env.masterPort = integer("MASTER_PORT", get("MASTER_PORT"), 1, 65535, "1..65535");
    return env;
}

DistributedEnv DistributedEnv::fromEnvironment()
{
    return parse([](const char* name) -> const char* { return std::getenv(name); });
}

}  // namespace sem::training

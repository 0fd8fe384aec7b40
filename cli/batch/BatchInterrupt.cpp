#include "cli/batch/BatchInterrupt.h"

#include <csignal>

namespace sem::cli {
namespace {

std::atomic<bool> g_stop{false};
using Handler = void (*)(int);
Handler g_previousInt = SIG_DFL;
Handler g_previousTerm = SIG_DFL;

extern "C" void onStopSignal(int)
{
    g_stop.store(true);
}

Handler restorable(Handler h)
{
    return h == SIG_ERR ? SIG_DFL : h;
}

}  // namespace

BatchInterrupt::BatchInterrupt()
{
    g_stop.store(false);
    g_previousInt = std::signal(SIGINT, onStopSignal);
    g_previousTerm = std::signal(SIGTERM, onStopSignal);
}

BatchInterrupt::~BatchInterrupt()
{
    std::signal(SIGINT, restorable(g_previousInt));
    std::signal(SIGTERM, restorable(g_previousTerm));
}

const std::atomic<bool>* BatchInterrupt::flag() const
{
    return &g_stop;
}

void BatchInterrupt::request()
{
    g_stop.store(true);
}

}  // namespace sem::cli

#include "training/tool/ToolOptions.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "core/common/Error.h"

namespace sem::training {

namespace {

double number(const std::string& name, const std::string& text, double lo, double hi)
{
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < lo || v > hi)
        throw Error("--" + name + " '" + text + "' is not a number in " + std::to_string(lo) + ".." +
                    std::to_string(hi) + ".");
    return v;
}

long long integer(const std::string& name, const std::string& text, long long lo, long long hi)
{
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi)
        throw Error("--" + name + " '" + text + "' is not an integer in " + std::to_string(lo) + ".." +
                    std::to_string(hi) + ".");
    return v;
}

const char* const kRendered[] = {"crop", "caption-dropout", "hint-dropout", "edge-scale-weights", "hint-weights",
                                 "hint-quality-mix", "canny-low-max", "captions", "max-side"};

}  // namespace

std::string ToolOptions::usage()
{
    return "Usage: semc-train --data DIR --out DIR [options]\n"
           "Trains the decoder from a sample pool that `semc train --out OUT --samples N` rendered into\n"
           "OUT/data/samples (pass --data OUT/data). LibTorch only: no Qt, no OpenCV. Several processes\n"
           "train together when started like torchrun (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT,\n"
           "LOCAL_RANK): gradients averaged over the ranks, rank 0 validates and writes the files.\n"
           "  --data DIR  --out DIR  --resume  --steps N (20000)  --minutes M (0)  --batch B per process (8)\n"
           "  --lr LR (3e-4)  --ema D (0.999)  --fidelity-fraction F (0.35)  --arch default|small|tiny\n"
           "  --device cpu|cuda|auto  --threads N (0: all cores)  --seed N (1)  --checkpoint-minutes M (5)\n"
           "  --validate-every N (500)  --residual  --prediction v|x0|eps  --init DIR\n"
           "  --final-weights FILE  every rank writes its raw weights there at the end ({rank} = its rank)\n";
}

ToolOptions ToolOptions::parse(const std::vector<std::string>& args)
{
    ToolOptions o;
    const std::map<std::string, bool> flags = {{"resume", true}, {"residual", true}, {"help", true}};
    std::map<std::string, std::string> values;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) != 0)
            throw Error("unexpected argument '" + a + "' (see --help).");
        std::string name = a.substr(2), value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        } else if (!flags.count(name)) {
            if (i + 1 >= args.size())
                throw Error("--" + name + " needs a value.");
            value = args[++i];
        }
        for (const char* rendered : kRendered)
            if (name == rendered)
                throw Error("--" + name + " is fixed when the samples are rendered (semc train --samples N).");
        values[name] = value;
    }
    auto has = [&](const char* n) { return values.count(n) > 0; };
    auto get = [&](const char* n, const char* fallback) { return has(n) ? values[n] : std::string(fallback); };
    const char* const known[] = {"data", "out", "resume", "steps", "minutes", "batch", "lr", "ema", "fidelity-fraction",
                                 "arch", "device", "threads", "seed", "checkpoint-minutes", "validate-every",
                                 "residual", "prediction", "init", "final-weights", "help"};
    for (const auto& [name, value] : values) {
        bool ok = false;
        for (const char* k : known)
            ok = ok || name == k;
        if (!ok)
            throw Error("unknown option --" + name + " (see --help).");
    }
    o.help = has("help");
    if (o.help)
        return o;
    if (!has("data") || !has("out"))
        throw Error(std::string("missing ") + (has("data") ? "--out DIR" : "--data DIR") + ".");
    o.data = values["data"];
    o.finalWeights = get("final-weights", "");
    o.batch = static_cast<int>(integer("batch", get("batch", "8"), 1, 1024));
    TrainSettings& s = o.settings;
    s.arch = get("arch", "default");
    s.prediction = get("prediction", "");
    s.init = get("init", "");
    s.residual = has("residual");
    s.device = get("device", "cpu");
    s.learningRate = number("lr", get("lr", "0.0003"), 1e-7, 1.0);
    s.emaDecay = number("ema", get("ema", "0.999"), 0.0, 0.99999);
    s.fidelityFraction = number("fidelity-fraction", get("fidelity-fraction", "0.35"), 0.0, 1.0);
    s.seed = static_cast<std::uint64_t>(integer("seed", get("seed", "1"), 0, 1LL << 40));
    s.threads = static_cast<int>(integer("threads", get("threads", "0"), 0, 256));
    LoopOptions& l = o.loop;
    l.outDirectory = values["out"];
    l.resume = has("resume");
    l.totalSteps = integer("steps", get("steps", "20000"), 1, 100000000);
    l.minutes = number("minutes", get("minutes", "0"), 0, 1e6);
    l.checkpointMinutes = number("checkpoint-minutes", get("checkpoint-minutes", "5"), 0.05, 1e6);
    l.validateEvery = integer("validate-every", get("validate-every", "500"), 1, 100000000);
    return o;
}

}  // namespace sem::training

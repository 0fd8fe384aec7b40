// semc-train: the torch-only trainer (LibTorch + nlohmann-json; no Qt, no OpenCV). It trains from
// the sample pool `semc train --samples N` renders, in one process or in several started like
// torchrun (training/loop/Distributed.h).
#include <atomic>
#include <csignal>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "training/loop/Distributed.h"
#include "training/loop/TrainSetup.h"
#include "training/loop/TrainingLoop.h"
#include "training/pool/SampleOrder.h"
#include "training/pool/SamplePool.h"
#include "training/tool/ToolOptions.h"

namespace fs = std::filesystem;
using namespace sem::training;

namespace {

std::atomic<bool> interrupted{false};

void onInterrupt(int)
{
    interrupted.store(true);
}

std::string replaceRank(std::string pattern, int rank)
{
    const std::string key = "{rank}";
    for (auto at = pattern.find(key); at != std::string::npos; at = pattern.find(key))
        pattern.replace(at, key.size(), std::to_string(rank));
    return pattern;
}

int train(const ToolOptions& o, const std::string& command)
{
    const DistributedEnv env = DistributedEnv::fromEnvironment();
    SamplePool pool((fs::path(o.data) / "samples").string());
    TrainSettings settings = o.settings;
    settings.cudaIndex = env.localRank;
    settings.edgeDropout = pool.edgeDropout();
    const TrainSetup setup = makeTrainSetup(settings, pool.captions());
    Distributed group(env, settings.device == "cuda");
    LoopOptions loopOptions = o.loop;
    loopOptions.globalBatch = static_cast<std::int64_t>(o.batch) * group.size();
    if (group.rank() == 0)
        fs::create_directories(loopOptions.outDirectory);

    TrainingLoop loop(setup.options, loopOptions, group, std::cout);
    loop.start();
    // Step s takes the stream positions [seen + s*G, seen + (s+1)*G); this rank its slice of B.
    SampleOrder order(pool.trainCount(), settings.seed);
    std::uint64_t position = loop.samplesSeen() + static_cast<std::uint64_t>(group.rank() * o.batch);
    const auto feed = [&] {
        const std::vector<std::uint64_t> indices = order.at(position, o.batch);
        position += static_cast<std::uint64_t>(loopOptions.globalBatch);
        return pool.batch(indices);
    };
    const std::vector<TrainingBatch> validation = group.rank() == 0 ? pool.validationBatches(8) : std::vector<TrainingBatch>();
    if (group.rank() == 0)
        std::cout << "training " << loop.trainer().parameterCount() << " parameters on " << loop.trainer().deviceName()
                  << ", " << pool.trainCount() << " samples, vocabulary " << setup.options.card.vocabulary.size()
                  << " words, batch " << group.size() << " x " << o.batch << " x " << pool.crop() << "^2"
                  << (group.active() ? " (" + group.backend() + ")" : std::string()) << "\n";

    RunDescription run;
    run.data = pool.dataDescription();
    run.command = command;
    run.batch = static_cast<int>(loopOptions.globalBatch);
    run.crop = pool.crop();
    run.fromInit = !settings.init.empty();
    run.previous = setup.previous;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const LoopResult result = loop.run(feed, validation, [&](const LoopResult& r) { return describeRun(run, r); },
                                       &interrupted);
    if (!o.finalWeights.empty()) {  // this rank's raw weights (tests: identical on every rank)
        sem::diffusion::TrainingInfo info;
        info.command = command;
        loop.trainer().exportModel(replaceRank(o.finalWeights, group.rank()), info, false);
    }
    return result.interrupted ? 130 : 0;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string command = "semc-train";
    for (const std::string& a : args)
        command += " " + a;
    try {
        const ToolOptions options = ToolOptions::parse(args);
        if (options.help) {
            std::cout << ToolOptions::usage();
            return 0;
        }
        return train(options, command);
    } catch (const std::exception& e) {
        std::cerr << "semc-train: " << e.what() << "\n";
        return 1;
    }
}

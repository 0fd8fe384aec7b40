#include "training/loop/TrainingLoop.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/common/Error.h"
#include "training/loop/Distributed.h"
#include "training/loop/LoopReport.h"

namespace sem::training {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct TrainingLoop::Run {
    Clock::time_point started, lastCheckpoint, lastPrint;
    double lossSum = 0;
    int lossCount = 0;
    std::int64_t firstStep = 0;
    ValidationResult lastValidation;

    double elapsed() const { return std::chrono::duration<double>(Clock::now() - started).count(); }
};

namespace {

std::vector<char> readSmallFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const auto size = in ? static_cast<std::uint64_t>(in.tellg()) : 0;
    std::vector<char> bytes(size <= (1u << 20) ? static_cast<std::size_t>(size) : 0);
    in.seekg(0);
    if (bytes.empty() || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
        return {};
    return bytes;
}

void writeFileAtomic(const fs::path& path, const std::string& text)
{
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out)
            throw Error("training: cannot write '" + tmp.string() + "'.");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        throw Error("training: cannot rename '" + tmp.string() + "' (" + ec.message() + ").");
}

}  // namespace

TrainingLoop::TrainingLoop(const TrainerOptions& trainer, const LoopOptions& options, Distributed& group,
                           std::ostream& out)
    : options_(options), group_(group), out_(out), trainer_(std::make_unique<Trainer>(trainer))
{
    trainer_->setDistributed(&group_);
}

TrainingLoop::~TrainingLoop() = default;

bool TrainingLoop::leader() const
{
    return group_.rank() == 0;
}

bool TrainingLoop::agree(bool rank0Says)
{
    if (!group_.active())
        return rank0Says;
    std::vector<std::int64_t> flag{rank0Says ? 1 : 0};
    group_.broadcast(flag);
    return flag[0] != 0;
}

void TrainingLoop::start()
{
    const fs::path out = options_.outDirectory;
    const fs::path checkpoint = out / "checkpoint.pt";
    std::vector<char> bytes, state;
    if (leader() && options_.resume && fs::exists(checkpoint)) {
        bytes = Trainer::readCheckpoint(checkpoint.string());
        state = readSmallFile(out / "train-state.json");
    }
    group_.broadcast(bytes);
    group_.broadcast(state);
    if (!bytes.empty()) {
        trainer_->loadCheckpointData(bytes, checkpoint.string());
        const auto j = nlohmann::json::parse(state.begin(), state.end(), nullptr, false);
        if (j.is_object()) {
            previousWall_ = j.value("wall_seconds", 0.0);
            samplesBefore_ = j.value("samples", static_cast<std::uint64_t>(0));
        }
        if (samplesBefore_ == 0 && options_.globalBatch > 0)  // no record: as if at this batch all along
            samplesBefore_ = static_cast<std::uint64_t>(trainer_->steps() * options_.globalBatch);
        if (leader())
            out_ << "resumed at step " << trainer_->steps() << "\n";
    }
    trainer_->synchronise();
}

void TrainingLoop::save(Run& run)
{
    if (leader()) {
        const fs::path out = options_.outDirectory;
        trainer_->saveCheckpoint((out / "checkpoint.pt").string());
        nlohmann::json state{{"step", trainer_->steps()}, {"wall_seconds", previousWall_ + run.elapsed()}};
        if (options_.globalBatch > 0)
            state["samples"] = samplesBefore_ + static_cast<std::uint64_t>((trainer_->steps() - run.firstStep) *
                                                                           options_.globalBatch);
        writeFileAtomic(out / "train-state.json", state.dump());
    }
    group_.barrier();
    run.lastCheckpoint = Clock::now();
}

void TrainingLoop::validate(Run& run, const std::vector<TrainingBatch>& batches)
{
    if (leader()) {
        const ValidationResult v = trainer_->validate(batches, true);
        run.lastValidation = v;
        out_ << "step " << trainer_->steps() << ": validation fidelity PSNR " << LoopReport::fixed(v.fidelityPsnr, 2)
             << " dB (hint alone " << LoopReport::fixed(v.hintPsnr, 2) << " dB, " << v.images << " crops)\n";
        LoopReport::appendLog((fs::path(options_.outDirectory) / "train-log.csv").string(),
                              std::to_string(trainer_->steps()) + "," +
                                  LoopReport::fixed(previousWall_ + run.elapsed(), 1) + "," +
                                  LoopReport::fixed(run.lossCount ? run.lossSum / run.lossCount : 0.0, 5) + "," +
                                  LoopReport::fixed(v.fidelityPsnr, 3) + "," + LoopReport::fixed(v.hintPsnr, 3));
        out_.flush();
    }
    group_.barrier();
}

void TrainingLoop::progress(Run& run)
{
    const auto now = Clock::now();
    if (!leader() || std::chrono::duration<double>(now - run.lastPrint).count() < 30.0)
        return;
    const double elapsed = run.elapsed();
    const double rate = static_cast<double>(trainer_->steps() - run.firstStep) / std::max(1e-9, elapsed);
    double remaining = static_cast<double>(options_.totalSteps - trainer_->steps()) / std::max(1e-9, rate);
    if (options_.minutes > 0)
        remaining = std::min(remaining, options_.minutes * 60.0 - elapsed);
    out_ << "step " << trainer_->steps() << "/" << options_.totalSteps << "  loss "
         << LoopReport::fixed(run.lossSum / run.lossCount, 4) << "  " << LoopReport::fixed(rate, 2)
         << " steps/s  ETA " << LoopReport::fixed(std::max(0.0, remaining) / 60.0, 1) << " min\n";
    out_.flush();
    run.lastPrint = now;
}

LoopResult TrainingLoop::run(const Feed& next, const std::vector<TrainingBatch>& validation, const Describe& describe,
                             const std::atomic<bool>* interrupt)
{
    Run run;
    run.started = run.lastCheckpoint = run.lastPrint = Clock::now();
    run.firstStep = trainer_->steps();
    LoopResult result;
    while (trainer_->steps() < options_.totalSteps) {
        if (agree(interrupt && interrupt->load())) {
            result.interrupted = true;
            break;
        }
        if (agree(options_.minutes > 0 && run.elapsed() > options_.minutes * 60.0))
            break;
        run.lossSum += trainer_->step(next());
        ++run.lossCount;
        progress(run);
        if (trainer_->steps() % options_.validateEvery == 0) {
            validate(run, validation);
            run.lossSum = 0;
            run.lossCount = 0;
        }
        const double sinceCheckpoint = std::chrono::duration<double>(Clock::now() - run.lastCheckpoint).count();
        if (agree(sinceCheckpoint >= options_.checkpointMinutes * 60.0))
            save(run);
    }
    validate(run, validation);
    save(run);
    result.steps = trainer_->steps();
    result.wallSeconds = previousWall_ + run.elapsed();
    result.validation = run.lastValidation;
    if (leader()) {
        const std::string model = (fs::path(options_.outDirectory) / "model").string();
        trainer_->exportModel(model, describe(result), true);
        out_ << "exported the EMA model to " << model << " after " << trainer_->steps() << " steps ("
             << LoopReport::fixed(result.wallSeconds / 60.0, 1) << " min in total)\n";
    }
    group_.barrier();
    return result;
}

}  // namespace sem::training

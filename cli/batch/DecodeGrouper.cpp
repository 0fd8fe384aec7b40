#include "cli/batch/DecodeGrouper.h"

#include <new>

#include "cli/batch/BatchRunner.h"
#include "core/common/Error.h"

namespace sem::cli {
namespace {

// How far past a file the grouper looks for files that batch with it.
constexpr std::size_t kLookahead = 256;

}  // namespace

DecodeGrouper::DecodeGrouper(Decoder& decoder, const DecodeRequest& request, const std::vector<BatchItem>& items,
                             bool overwrite)
    : decoder_(decoder), request_(request), items_(items), overwrite_(overwrite), taken_(items.size(), false),
      groupSizes_(items.size(), 1)
{
}

int DecodeGrouper::groupSize(std::size_t index) const
{
    return index < groupSizes_.size() ? groupSizes_[index] : 1;
}

// The next pending files after items[index] that batch with `file`, at most room - 1, loaded into
// `files` (a file that cannot be read is left to its own task, which reports it). Each file is read
// once: what was read is kept for the groups that follow and for the file's own task.
std::vector<std::size_t> DecodeGrouper::companions(std::size_t index, const SemFile& file, int room,
                                                   std::vector<SemFile>& files)
{
    std::vector<std::size_t> chosen;
    const std::size_t end = std::min(items_.size(), index + 1 + kLookahead);
    for (std::size_t j = index + 1; j < end && static_cast<int>(chosen.size()) + 1 < room; ++j) {
        const BatchItem& item = items_[j];
        if (taken_[j] || !item.problem.empty() || (!overwrite_ && BatchRunner::outputExists(item.output)))
            continue;
        if (unreadable_.count(j))
            continue;
        auto it = readAhead_.find(j);
        if (it == readAhead_.end()) {
            try {
                it = readAhead_.emplace(j, SemFile::load(item.input.toStdString())).first;
            } catch (const std::exception&) {
                unreadable_.insert(j);
                continue;
            }
        }
        if (decoder_.batchable(file, it->second, request_)) {
            files.push_back(it->second);
            chosen.push_back(j);
        }
    }
    return chosen;
}

void DecodeGrouper::forgetBefore(std::size_t index)
{
    readAhead_.erase(readAhead_.begin(), readAhead_.lower_bound(index));
    unreadable_.erase(unreadable_.begin(), unreadable_.lower_bound(index));
}

SemFile DecodeGrouper::load(std::size_t index)
{
    if (index >= items_.size())
        throw Error("batch decode: no such file");
    forgetBefore(index);
    auto node = readAhead_.extract(index);
    return node ? std::move(node.mapped()) : SemFile::load(items_[index].input.toStdString());
}

DecodeOutcome DecodeGrouper::decode(std::size_t index, const SemFile& file, const std::atomic<bool>* cancel)
{
    if (index >= items_.size())
        throw Error("batch decode: no such file");
    if (const auto it = ready_.find(index); it != ready_.end()) {
        DecodeOutcome outcome = std::move(it->second);
        ready_.erase(it);
        return outcome;
    }
    taken_[index] = true;
    const int room = decoder_.batchRoom(file, request_);
    std::vector<SemFile> others;
    others.reserve(static_cast<std::size_t>(room));
    const std::vector<std::size_t> chosen = room > 1 ? companions(index, file, room, others) : std::vector<std::size_t>{};
    if (chosen.empty())
        return decoder_.decode(file, request_, {}, cancel);
    std::vector<const SemFile*> files{&file};
    for (const SemFile& f : others)
        files.push_back(&f);
    std::vector<DecodeOutcome> outcomes;
    try {
        outcomes = decoder_.decodeBatch(files, request_, cancel);
    } catch (const Error&) {
        return decoder_.decode(file, request_, {}, cancel);
    } catch (const std::bad_alloc&) {
        return decoder_.decode(file, request_, {}, cancel);
    }
    const int size = static_cast<int>(files.size());
    groupSizes_[index] = size;
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        taken_[chosen[k]] = true;
        groupSizes_[chosen[k]] = size;
        ready_[chosen[k]] = std::move(outcomes[k + 1]);
    }
    return std::move(outcomes.front());
}

}  // namespace sem::cli

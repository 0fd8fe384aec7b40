#include "cli/batch/BatchProgress.h"

#include <cstdio>
#include <sstream>
#ifdef _WIN32
#include <io.h>
#else
#include <unistd.h>
#endif

#include "cli/Report.h"

namespace sem::cli {
namespace {

bool stderrIsTerminal()
{
#ifdef _WIN32
    return _isatty(_fileno(stderr)) != 0;
#else
    return isatty(fileno(stderr)) != 0;
#endif
}

std::string clock(double seconds)
{
    const long long s = static_cast<long long>(seconds + 0.5);
    std::ostringstream o;
    if (s >= 3600)
        o << s / 3600 << ":" << (s / 60 % 60 < 10 ? "0" : "") << s / 60 % 60;
    else
        o << s / 60;
    o << ":" << (s % 60 < 10 ? "0" : "") << s % 60;
    return o.str();
}

}  // namespace

BatchProgress::BatchProgress(std::string command, int total, std::ostream& err)
    : command_(std::move(command)), total_(total), err_(err), tty_(stderrIsTerminal())
{
    timer_.start();
}

void BatchProgress::add(const BatchOutcome& o)
{
    ++finished_;
    if (o.status == BatchOutcome::Done)
        ++done_;
    else if (o.status == BatchOutcome::Skipped)
        ++skipped_;
    else if (o.status == BatchOutcome::Failed)
        ++failed_;
    print(finished_ == 1 || finished_ == total_);
}

void BatchProgress::print(bool force)
{
    const qint64 now = timer_.elapsed();
    if (!tty_ && !force && lastPrintMs_ >= 0 && now - lastPrintMs_ < 1000)
        return;
    lastPrintMs_ = now;
    const double elapsed = static_cast<double>(now) / 1000.0;
    std::ostringstream line;
    line << "semc " << command_ << ": " << finished_ << "/" << total_;
    if (skipped_ || failed_)
        line << " (" << skipped_ << " skipped, " << failed_ << " failed)";
    if (done_ > 0 && elapsed > 0) {
        const double rate = done_ / elapsed;
        line << ", " << Report::fixed(rate, rate < 10 ? 2 : 1) << " files/s";
        if (finished_ < total_)
            line << ", about " << clock((total_ - finished_) / rate) << " left";
    }
    if (tty_) {
        err_ << "\r" << line.str() << "\033[K" << std::flush;
        drawn_ = true;
    } else {
        err_ << line.str() << "\n" << std::flush;
    }
}

void BatchProgress::finish()
{
    if (tty_ && drawn_)
        err_ << "\n" << std::flush;
    drawn_ = false;
}

}  // namespace sem::cli

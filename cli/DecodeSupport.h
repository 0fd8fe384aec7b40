#pragma once
#include <QCommandLineParser>
#include <atomic>
#include <string>

#include "cli/Command.h"
#include "core/pipeline/Decoder.h"

namespace sem::cli {

// Options, progress bar and Ctrl-C handling shared by decode, roundtrip and generate.
class DecodeSupport {
public:
    static void addOptions(QCommandLineParser& parser);
    static DecodeRequest request(const QCommandLineParser& parser);
    static std::string modelPath(const QCommandLineParser& parser);
    static std::string controlnetPath(const QCommandLineParser& parser);
    static std::string device(const QCommandLineParser& parser);

    // A progress callback that draws "step i/N, elapsed, estimate" on stderr and writes previews
    // to --preview-dir when given.
    static DecodeProgressFn progressPrinter(const QCommandLineParser& parser, Io& io);
    // "loading the model: UNet (3/5), 12.4 s" on stderr before each part of the model is read.
    static LoadProgressFn loadPrinter(Io& io);

    // Ctrl-C sets the flag (the decode stops within one step); the previous handler comes back
    // when the guard goes out of scope.
    class InterruptGuard {
    public:
        InterruptGuard();
        ~InterruptGuard();
        InterruptGuard(const InterruptGuard&) = delete;
        InterruptGuard& operator=(const InterruptGuard&) = delete;
        const std::atomic<bool>* flag() const;
    };
};

}  // namespace sem::cli

#pragma once
#include <QCommandLineParser>

#include "cli/Command.h"
#include "core/caption/CaptionSettings.h"

namespace sem::cli {

// Batch mode of `semc caption`: the captions of a collection in OUTDIR/captions.json (with
// --shard I/N: captions-I-of-N.json), an object keyed by each image's path under its folder
// argument ({"caption", "bytes", "model", "input"}), rewritten atomically after every caption so
// that a rerun asks only for the missing ones. At most --jobs requests in flight, at most
// --max-per-minute started in any minute, and a 429 with Retry-After pauses the whole batch.
class CaptionBatch {
public:
    static int run(const QCommandLineParser& parser, const CaptionSettings& settings, Io& io);
};

}  // namespace sem::cli

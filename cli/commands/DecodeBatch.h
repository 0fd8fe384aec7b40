#pragma once
#include <QCommandLineParser>

#include "cli/Command.h"
#include "cli/RateBudget.h"
#include "core/pipeline/Encoder.h"

namespace sem::cli {

// Batch mode of `semc decode` and `semc roundtrip` (cli/batch): one loaded decoder for the whole
// batch, one image at a time (the decoder uses all cores). Same-size images are not batched into
// one network evaluation.
class DecodeBatch {
public:
    // .sem files (folders: *.sem) -> OUTDIR/.../NAME.png
    static int decode(const QCommandLineParser& parser, Io& io);
    // images -> OUTDIR/.../NAME.png, with bpp, PSNR, SSIM and MS-SSIM per file. `encode` holds the
    // edge, hint and caption settings, `budget` the rate (the default target or --target-bpp/--max-bytes);
    // the model id and decode settings are filled in here.
    static int roundtrip(const QCommandLineParser& parser, EncodeOptions encode, const RateBudget& budget, Io& io);
};

}  // namespace sem::cli

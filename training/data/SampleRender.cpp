#include "training/data/SampleRender.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "training/data/ShardReader.h"
#include "training/pool/SamplePoolWriter.h"

namespace sem::training {

std::string SampleRender::dataDescription(const ShardReader& shards)
{
    return "prepared from " + shards.sourceDirectory() + " (" + std::to_string(shards.split(false).size()) +
           " training, " + std::to_string(shards.split(true).size()) + " validation images, longest side " +
           std::to_string(shards.maxSide()) + ")";
}

RenderSummary SampleRender::render(const ShardReader& shards, const BatchOptions& options, std::uint64_t samples,
                                   const std::string& directory)
{
    if (samples < 1 || samples > 100000000ull)
        throw Error("render: the number of samples must lie in 1..100000000.");
    const auto trainRecords = shards.split(false);
    SamplePoolWriter writer(directory);
    RenderSummary summary;
    BatchOptions o = options;
    o.batch = 64;
    BatchSource source(trainRecords, o);
    while (summary.trainSamples < samples) {
        TrainingBatch b = source.next();
        const auto take = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(b.size), samples - summary.trainSamples));
        if (take < b.size) {  // the last, partial batch
            TrainingBatch part = TrainingBatch::allocate(take, b.width);
            const std::size_t px = b.pixels(), n = static_cast<std::size_t>(take);
            std::copy_n(b.images.begin(), px * 3 * n, part.images.begin());
            std::copy_n(b.hints.begin(), px * 3 * n, part.hints.begin());
            std::copy_n(b.edges.begin(), px * n, part.edges.begin());
            std::copy_n(b.hasHint.begin(), n, part.hasHint.begin());
            std::copy_n(b.scaleIndex.begin(), n, part.scaleIndex.begin());
            std::copy_n(b.captions.begin(), n, part.captions.begin());
            b = std::move(part);
        }
        writer.add(b, false);
        summary.trainSamples += static_cast<std::uint64_t>(take);
    }
    for (const TrainingBatch& b : BatchSource::validationBatches(shards.split(true), options.crop)) {
        writer.add(b, true);
        summary.validationSamples += static_cast<std::uint64_t>(b.size);
    }
    std::vector<std::string> captions;
    for (const ShardRecord* r : trainRecords)
        captions.insert(captions.end(), r->captions.begin(), r->captions.end());
    const nlohmann::json settings = {{"samples", samples},
                                     {"crop", options.crop},
                                     {"seed", options.seed},
                                     {"caption_dropout", options.captionDropout},
                                     {"hint_dropout", options.hintDropout},
                                     {"edge_dropout", options.edgeDropout},
                                     {"edge_scale_weights", options.scaleWeights},
                                     {"hint_weights", options.hintWeights},
                                     {"hint_quality_mix", options.hintQualityMix},
                                     {"canny_low_max", options.cannyLowMax}};
    summary.bytes = writer.finish(captions, dataDescription(shards), settings.dump());
    return summary;
}

}  // namespace sem::training

#include "diffusion/sd/SdLoader.h"

#include <filesystem>

#include "diffusion/DiffusionError.h"
#include "diffusion/sd/ClipVaeWeights.h"
#include "diffusion/sd/StateDict.h"
#include "diffusion/sd/UNetLoader.h"

namespace sem::diffusion::sd {

namespace {

namespace fs = std::filesystem;

bool hasPrefix(const SafeTensors& file, const std::string& prefix) {
    const auto it = file.entries().lower_bound(prefix);
    return it != file.entries().end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

// Refuses single files of other families by what their tensor names say.
void checkSingleFile(const SafeTensors& file, const std::string& path) {
    if (hasPrefix(file, "conditioner.embedders."))
        throw Error("model: '" + path + "' is a Stable Diffusion XL checkpoint; only Stable Diffusion 1.x is supported.");
    if (hasPrefix(file, "cond_stage_model.model."))
        throw Error("model: '" + path +
                    "' is a Stable Diffusion 2.x checkpoint (OpenCLIP text encoder); only Stable Diffusion 1.x is "
                    "supported.");
    for (const char* prefix : {"model.diffusion_model.", "first_stage_model.", "cond_stage_model.transformer."})
        if (!hasPrefix(file, prefix))
            throw Error("model: '" + path + "' has no " + prefix + "* tensors: it is not a whole Stable Diffusion 1.x "
                        "checkpoint.");
}

std::unique_ptr<ClipTokenizer> loadTokenizer(const SdModelParts& parts, const std::string& clipVocabulary) {
    const fs::path own = fs::path(parts.base) / "tokenizer";
    std::string source = parts.tokenizer;
    if (source.empty() && parts.baseIsFolder && fs::is_regular_file(own / "vocab.json"))
        source = own.string();
    if (source.empty())
        source = clipVocabulary;
    if (source.empty())
        throw Error("model: no CLIP tokenizer: the model has none and the program's bpe_simple_vocab_16e6.txt.gz "
                    "was not found.");
    return std::make_unique<ClipTokenizer>(fs::is_directory(source) ? ClipTokenizer::fromFolder(source)
                                                                    : ClipTokenizer::fromBpeGz(source));
}

AutoencoderKL loadVae(const std::string& path) {
    if (fs::is_directory(path))
        return loadAutoencoderKL(path);
    const SafeTensors file = SafeTensors::map(path);
    if (hasPrefix(file, "first_stage_model."))
        return loadAutoencoderKL(file);
    VaeConfig config;
    AutoencoderKL vae(config);
    if (hasPrefix(file, "encoder.down_blocks."))  // a standalone VAE in diffusers names
        vae->loadWeights(stateDictFromFile(file));
    else  // a standalone VAE in the original names (vae-ft-mse-840000-ema-pruned and the like)
        vae->loadWeights(vaeWeightsFromSingleFile(file, config, ""));
    return vae;
}

}  // namespace

std::unique_ptr<SdModules> loadSdModules(const SdModelParts& parts, const std::string& clipVocabulary,
                                         const LoadCallback& progress, const std::atomic<bool>* cancel) {
    const int count = parts.controlnet.empty() ? 4 : 5;
    int index = 0;
    auto next = [&](const char* part) {
        if (cancel && cancel->load())
            throw Cancelled();
        if (progress)
            progress(LoadProgress{part, ++index, count});
    };
    // A model set's own VAE replaces the base's, which is then not read at all.
    const bool baseVae = parts.vae.empty();
    auto m = std::make_unique<SdModules>();
    next("tokenizer");
    m->tokenizer = loadTokenizer(parts, clipVocabulary);
    const fs::path base(parts.base);
    if (parts.baseIsFolder) {
        next("text encoder");
        m->text = loadClipTextModel((base / "text_encoder").string());
        next("UNet");
        m->unet = loadUNetFolder((base / "unet").string());
        next("VAE");
        if (baseVae)
            m->vae = loadAutoencoderKL((base / "vae").string());
        const fs::path scheduler = base / "scheduler" / "scheduler_config.json";
        if (fs::is_regular_file(scheduler))
            m->scheduler = SchedulerConfig::load(scheduler.string());
    } else {
        const SafeTensors file = SafeTensors::map(parts.base);
        checkSingleFile(file, parts.base);
        // The architecture: the published SD 1.5 one, or the configs of a diffusers folder.
        const fs::path config(parts.config);
        next("text encoder");
        m->text = loadClipTextModel(file, parts.config.empty() ? ClipTextConfig{}
                                                               : ClipTextConfig::load((config / "text_encoder" / "config.json").string()));
        next("UNet");
        m->unet = loadUNetSingleFile(file, parts.config.empty()
                                               ? UNetConfig::sd15UNet()
                                               : UNetConfig::fromFile((config / "unet" / "config.json").string(),
                                                                      UNetConfig::Kind::UNet, "unet"));
        next("VAE");
        if (baseVae)
            m->vae = loadAutoencoderKL(file, parts.config.empty() ? VaeConfig{}
                                                                  : VaeConfig::load((config / "vae" / "config.json").string()));
        const fs::path scheduler = config / "scheduler" / "scheduler_config.json";
        if (!parts.config.empty() && fs::is_regular_file(scheduler))
            m->scheduler = SchedulerConfig::load(scheduler.string());
    }
    if (!parts.scheduler.empty())
        m->scheduler = SchedulerConfig::load(parts.scheduler);
    if (!baseVae)
        m->vae = loadVae(parts.vae);
    if (!parts.controlnet.empty()) {
        next("ControlNet");
        if (fs::is_directory(parts.controlnet)) {
            m->controlnet = loadControlNetFolder(parts.controlnet);
        } else {
            const SafeTensors file = SafeTensors::map(parts.controlnet);
            if (!hasPrefix(file, "control_model."))
                throw Error("controlnet: '" + parts.controlnet + "' has no control_model.* tensors: it is not a "
                            "ControlNet in the original layout.");
            const fs::path config = fs::path(parts.config) / "controlnet" / "config.json";
            m->controlnet = loadControlNetSingleFile(
                file, !parts.config.empty() && fs::is_regular_file(config)
                          ? UNetConfig::fromFile(config.string(), UNetConfig::Kind::ControlNet, "controlnet")
                          : UNetConfig::sd15ControlNet());
        }
        const UNetConfig& u = m->unet->config();
        const UNetConfig& c = m->controlnet->config();
        if (c.blockOutChannels != u.blockOutChannels || c.crossAttentionDim != u.crossAttentionDim ||
            c.layersPerBlock != u.layersPerBlock || c.inChannels != u.inChannels)
            throw Error("controlnet: '" + parts.controlnet +
                        "' was made for another base model (its blocks or cross-attention width differ from the "
                        "UNet's).");
        if (c.conditioningDownscale() != m->vae->downsamplingFactor())
            throw Error("controlnet: its control image scale does not match the VAE's factor.");
    }
    if (m->text->config().hiddenSize != m->unet->config().crossAttentionDim)
        throw Error("model: the text encoder's width " + std::to_string(m->text->config().hiddenSize) +
                    " does not match the UNet's cross-attention width " +
                    std::to_string(m->unet->config().crossAttentionDim) + ".");
    if (m->tokenizer->vocabSize() > m->text->config().vocabSize ||
        m->tokenizer->maxLength() > m->text->config().maxPositions)
        throw Error("model: the tokenizer does not fit the text encoder (vocabulary or length too large).");
    if (m->unet->config().inChannels != m->vae->config().latentChannels)
        throw Error("model: the UNet's input channels do not match the VAE's latent channels.");
    if (cancel && cancel->load())
        throw Cancelled();
    return m;
}

}  // namespace sem::diffusion::sd

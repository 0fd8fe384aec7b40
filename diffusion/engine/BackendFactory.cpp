#include "diffusion/engine/BackendFactory.h"

#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/BuiltinEngine.h"
#include "diffusion/sd/SdBackend.h"

namespace sem::diffusion {

std::unique_ptr<Backend> openBackend(const std::string& path, const std::string& device, const BackendOptions& options) {
    switch (detectModelFamily(path)) {
    case ModelFamily::BuiltIn: {
        if (!options.controlnet.empty())
            throw Error("model: a ControlNet goes with a Stable Diffusion model; '" + path + "' is a built-in model.");
        if (options.cancel && options.cancel->load())
            throw Cancelled();
        if (options.loadProgress)
            options.loadProgress(LoadProgress{"weights", 1, 1});
        auto engine = std::make_unique<BuiltinEngine>();
        engine->load(path, device);
        return engine;
    }
    case ModelFamily::StableDiffusion1:
        return std::make_unique<sd::SdBackend>(sd::SdModelParts::locate(path, options.controlnet), device,
                                               options.clipVocabulary, options.loadProgress, options.cancel);
    }
    throw Error("model: unknown model family.");
}

}  // namespace sem::diffusion

#include "diffusion/BackendFactory.h"

#include "diffusion/DiffusionError.h"
#include "diffusion/builtin/BuiltinEngine.h"

namespace sem::diffusion {

std::unique_ptr<Backend> openBackend(const std::string& path, const std::string& device) {
    switch (detectModelFamily(path)) {
    case ModelFamily::BuiltIn: {
        auto engine = std::make_unique<BuiltinEngine>();
        engine->load(path, device);
        return engine;
    }
    case ModelFamily::StableDiffusion1:
        // The family's modules (diffusion/sd/) are being built; until its pipeline exists a decode
        // with such a model is refused here, by name, rather than misread as a built-in model.
        throw Error("model: '" + path +
                    "' is a Stable Diffusion 1.x model; this version of SemCompress cannot decode with it yet "
                    "(use the built-in model).");
    }
    throw Error("model: unknown model family.");
}

}  // namespace sem::diffusion

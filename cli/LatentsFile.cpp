#include "cli/LatentsFile.h"

#include "core/common/Error.h"
#include "diffusion/SafeTensors.h"

namespace sem::cli {

std::vector<float> LatentsFile::read(const std::string& path)
{
    const diffusion::SafeTensors file = diffusion::SafeTensors::read(path);
    if (file.entries().size() != 1)
        throw Error("--latents: '" + path + "' holds " + std::to_string(file.entries().size())
                    + " tensors; it must hold exactly one, 1x4xH/8xW/8");
    const auto& [name, entry] = *file.entries().begin();
    if (entry.shape.size() != 4 || entry.shape[0] != 1 || entry.shape[1] != 4 || entry.shape[2] < 1 || entry.shape[3] < 1)
        throw Error("--latents: the tensor '" + name + "' in '" + path + "' must be shaped 1x4xH/8xW/8");
    return file.toFloat(name);
}

}  // namespace sem::cli

#include "diffusion/common/Tiling.h"

#include <algorithm>
#include <vector>

namespace sem::diffusion {

std::vector<std::int64_t> tileStarts(std::int64_t length, std::int64_t tile, std::int64_t overlap) {
    if (tile >= length)
        return {0};
    std::vector<std::int64_t> starts;
    for (std::int64_t s = 0; s + tile < length; s += tile - overlap)
        starts.push_back(s);
    starts.push_back(length - tile);
    return starts;
}

torch::Tensor ramp(std::int64_t start, std::int64_t size, std::int64_t length, std::int64_t overlap) {
    std::vector<float> w(static_cast<std::size_t>(size), 1.0f);
    for (std::int64_t i = 0; i < size; ++i) {
        float v = 1.0f;
        if (start > 0)
            v = std::min(v, static_cast<float>(i + 1) / static_cast<float>(overlap + 1));
        if (start + size < length)
            v = std::min(v, static_cast<float>(size - i) / static_cast<float>(overlap + 1));
        w[static_cast<std::size_t>(i)] = v;
    }
    return torch::tensor(w);
}

}  // namespace sem::diffusion

#pragma once
// Torch side of tst_sd_fullsize_unet: the full-size SD 1.5 UNet and ControlNet (v1.1) built on the meta
// device (names and shapes only, nothing allocated) compared with the reference manifests. Plain C++.
#include <cstdint>
#include <string>

namespace sem::diffusion::sd::test {

struct ManifestCheck {
    std::string mismatch;  // empty when every name and shape matches in both directions
    std::int64_t parameters = 0;
    int tensors = 0;
    bool metaOnly = false;  // every parameter is on the meta device (nothing was allocated)
};

// manifest: "name\t[shape]\tfloat32" lines (sd15_unet_diffusers.txt, sd15_controlnet_diffusers.txt).
ManifestCheck checkFullSizeAgainstManifest(const std::string& manifest, bool controlnet);

// map: "original\tdiffusers\t[shape]" lines; every original name must map to its diffusers name under the
// SD 1.5 configuration. Returns the first wrong mapping ("" when all are right); `checked` counts the lines.
std::string checkKeyMap(const std::string& map, bool controlnet, int& checked);

}  // namespace sem::diffusion::sd::test

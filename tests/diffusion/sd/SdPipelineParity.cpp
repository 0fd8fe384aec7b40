#include "SdPipelineParity.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <torch/torch.h>

#include "diffusion/engine/BackendFactory.h"
#include "diffusion/SafeTensors.h"
#include "diffusion/sd/SdLoader.h"
#include "diffusion/sd/SdPipeline.h"
#include "diffusion/sd/StateDict.h"

namespace sem::diffusion::checks {

namespace {

namespace fs = std::filesystem;
using namespace sem::diffusion::sd;

constexpr int kSize = 128;
const char* const kCaption = "a red car under a blue sky";
const char* const kOtherCaption = "a green forest at night";

// The fixture script's control image: a diagonal, a horizontal line and a ring (white on black, 0..1).
torch::Tensor controlImage() {
    torch::Tensor c = torch::zeros({1, 3, kSize, kSize});
    auto a = c.accessor<float, 4>();
    for (std::int64_t y = 0; y < kSize; ++y)
        for (std::int64_t x = 0; x < kSize; ++x) {
            const std::int64_t r = (x - 80) * (x - 80) + (y - 70) * (y - 70) - 900;
            if (x == y || y == 40 || r * r < 3600)
                for (int ch = 0; ch < 3; ++ch)
                    a[0][ch][y][x] = 1.0f;
        }
    return c;
}

// The fixture script's hint: R = x / W, G = y / H, B = 0.6 (0..1).
torch::Tensor hintImage() {
    torch::Tensor h = torch::full({1, 3, kSize, kSize}, 0.6f);
    auto a = h.accessor<float, 4>();
    for (std::int64_t y = 0; y < kSize; ++y)
        for (std::int64_t x = 0; x < kSize; ++x) {
            a[0][0][y][x] = static_cast<float>(static_cast<double>(x) / kSize);
            a[0][1][y][x] = static_cast<float>(static_cast<double>(y) / kSize);
        }
    return h;
}

std::string writeModelSet(const std::string& fixtures) {
    const fs::path path = fs::temp_directory_path() / ("sem_tiny_sd_set_" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"family": "sd1", "name": "tiny", "base": ")" << fixtures
                        << R"(/tiny_sd_singlefile.safetensors", "controlnet": ")" << fixtures
                        << R"(/tiny_controlnet_singlefile.safetensors", "tokenizer": ")" << fixtures
                        << R"(/tiny_sd/tokenizer", "config": ")" << fixtures << R"(/tiny_sd"})";
    return path.string();
}

SdModelParts partsOf(const std::string& fixtures, Layout layout) {
    if (layout == Layout::Diffusers)
        return SdModelParts::locate(fixtures + "/tiny_sd");
    const std::string set = writeModelSet(fixtures);
    SdModelParts parts = SdModelParts::locate(set);
    fs::remove(set);
    return parts;
}

const StateDict& io(const std::string& fixtures) {
    static const StateDict dict = stateDictFromFile(SafeTensors::read(fixtures + "/pipeline_io.safetensors"));
    return dict;
}

PipelineComparison compare(const torch::Tensor& ours, const torch::Tensor& reference) {
    PipelineComparison c;
    const torch::Tensor diff = ours.to(torch::kFloat) - reference;
    c.maxAbsError = diff.abs().max().item<double>();
    c.psnr = -10.0 * std::log10(std::max(diff.pow(2).mean().item<double>(), 1e-20));
    return c;
}

SdRequest request(const std::string& fixtures, bool blankControl, bool otherCaption) {
    SdRequest r;
    r.width = r.height = kSize;
    r.prompt = otherCaption ? kOtherCaption : kCaption;
    r.control = blankControl ? torch::zeros({1, 3, kSize, kSize}) : controlImage();
    r.latents = io(fixtures).at("latents");
    r.sampler = sd::SamplerKind::Ddim;
    r.steps = 4;
    r.guidance = 7.5;
    return r;
}

}  // namespace

PipelineComparison textToImage(const std::string& fixtures, Layout layout, bool blankControl, bool otherCaption) {
    const auto modules = loadSdModules(partsOf(fixtures, layout), {});
    return compare(runSdPipeline(*modules, request(fixtures, blankControl, otherCaption)), io(fixtures).at("t2i"));
}

PipelineComparison imageToImage(const std::string& fixtures, Layout layout, bool blankControl) {
    const auto modules = loadSdModules(partsOf(fixtures, layout), {});
    SdRequest r = request(fixtures, blankControl, false);
    r.image = hintImage() * 2.0 - 1.0;
    r.latents = io(fixtures).at("noise");
    r.strength = 0.5;
    return compare(runSdPipeline(*modules, r), io(fixtures).at("img2img"));
}

PipelineComparison backendTextToImage(const std::string& fixtures) {
    const std::string set = writeModelSet(fixtures);
    const std::unique_ptr<Backend> backend = openBackend(set, "cpu");
    fs::remove(set);
    Conditions c;
    c.width = c.height = kSize;
    c.caption = kCaption;
    const torch::Tensor control = (controlImage()[0].permute({1, 2, 0}) * 255.0).to(torch::kUInt8).contiguous();
    c.controlImage = ImageRgb{kSize, kSize, std::vector<std::uint8_t>(control.data_ptr<std::uint8_t>(),
                                                                      control.data_ptr<std::uint8_t>() + control.numel())};
    SamplerSettings s;
    s.sampler = diffusion::SamplerKind::Ddim;
    s.steps = 4;
    s.guidance = 7.5f;
    s.sd.workSize = kSize;
    s.sd.colourFix = false;
    const torch::Tensor latents = io(fixtures).at("latents").contiguous();
    s.sd.initialLatents.assign(latents.data_ptr<float>(), latents.data_ptr<float>() + latents.numel());
    const ImageRgb out = backend->decode(c, s);
    const torch::Tensor ours = torch::from_blob(const_cast<std::uint8_t*>(out.rgb.data()), {kSize, kSize, 3}, torch::kUInt8)
                                   .permute({2, 0, 1})
                                   .unsqueeze(0)
                                   .to(torch::kFloat)
                                   .div(255.0);
    return compare(ours, io(fixtures).at("t2i"));
}

}  // namespace sem::diffusion::checks

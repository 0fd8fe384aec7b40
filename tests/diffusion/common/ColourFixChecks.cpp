#include "ColourFixChecks.h"

#include <torch/torch.h>

#include "diffusion/common/ColourFix.h"

namespace sem::diffusion::checks {

double colourFixOfItselfError() {
    torch::manual_seed(1);
    const torch::Tensor x = torch::rand({1, 3, 40, 56});
    return (waveletColourFix(x, x) - x).abs().max().item<double>();
}

double colourFixTakesTheReferenceOffsetError() {
    torch::manual_seed(2);
    const torch::Tensor x = torch::rand({1, 3, 40, 56});
    const torch::Tensor r = x + torch::tensor({0.2f, -0.1f, 0.05f}).view({1, 3, 1, 1});
    return (waveletColourFix(x, r) - r).abs().max().item<double>();
}

double colourFixKeepsDetail() {
    const torch::Tensor idx = torch::arange(64);
    const torch::Tensor checker = ((idx.view({64, 1}) + idx.view({1, 64})) % 2).to(torch::kFloat) * 2 - 1;
    const torch::Tensor flat = torch::full({1, 3, 64, 64}, 0.5f);
    const torch::Tensor image = flat + 0.1f * checker.view({1, 1, 64, 64});
    const torch::Tensor fixed = waveletColourFix(image, torch::full({1, 3, 64, 64}, 0.3f));
    const torch::Tensor centre = fixed.narrow(2, 16, 32).narrow(3, 16, 32);
    return ((centre - 0.3f) * checker.view({1, 1, 64, 64}).narrow(2, 16, 32).narrow(3, 16, 32)).mean().item<double>() /
           0.1;
}

double colourFixOnATinyImage() {
    torch::manual_seed(3);
    const torch::Tensor x = torch::rand({1, 3, 6, 6});
    return (waveletColourFix(x, x) - x).abs().max().item<double>();
}

}  // namespace sem::diffusion::checks

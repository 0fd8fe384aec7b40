#include "diffusion/sd/StateDict.h"

#include <vector>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace {

std::string shapeText(at::IntArrayRef shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

torch::ScalarType scalarType(DType dtype) {
    switch (dtype) {
    case DType::F32: return torch::kFloat;
    case DType::F16: return torch::kHalf;
    case DType::BF16: return torch::kBFloat16;
    case DType::F64: return torch::kDouble;
    case DType::I64: return torch::kLong;
    case DType::I32: return torch::kInt;
    case DType::I16: return torch::kShort;
    case DType::I8: return torch::kChar;
    case DType::U8: return torch::kByte;
    case DType::Bool: return torch::kBool;
    }
    throw Error("safetensors: unknown dtype.");
}

}  // namespace

torch::Tensor tensorView(const SafeTensors& file, const std::string& name) {
    const TensorEntry& entry = file.entries().at(name);
    // from_blob wants a mutable pointer; nothing writes through it (see the header).
    return torch::from_blob(const_cast<std::uint8_t*>(file.bytes(name)), entry.shape,
                            torch::TensorOptions().dtype(scalarType(entry.dtype)));
}

StateDict stateDictViews(const SafeTensors& file, const std::string& prefix) {
    StateDict dict;
    for (const auto& [name, entry] : file.entries())
        if (name.compare(0, prefix.size(), prefix) == 0)
            dict.emplace(name.substr(prefix.size()), tensorView(file, name));
    return dict;
}

StateDict stateDictFromFile(const SafeTensors& file, const std::string& prefix) {
    StateDict dict = stateDictViews(file, prefix);
    for (auto& [name, t] : dict)
        t = t.to(torch::kFloat, /*non_blocking=*/false, /*copy=*/true);  // float32, no longer a view of the file
    return dict;
}

void loadStateDict(torch::nn::Module& module, const StateDict& dict, const std::string& what) {
    auto params = module.named_parameters(true);
    auto buffers = module.named_buffers(true);
    std::map<std::string, torch::Tensor> targets;
    for (const auto& p : params)
        targets.emplace(p.key(), p.value());
    for (const auto& b : buffers)
        targets.emplace(b.key(), b.value());
    // Validate everything before copying anything: no half-loaded module.
    for (const auto& [name, target] : targets) {
        const auto it = dict.find(name);
        if (it == dict.end())
            throw Error(what + ": the weights lack the tensor '" + name + "'.");
        if (it->second.sizes() != target.sizes())
            throw Error(what + ": the tensor '" + name + "' has the shape " + shapeText(it->second.sizes()) +
                        ", expected " + shapeText(target.sizes()) + ".");
    }
    for (const auto& [name, tensor] : dict)
        if (targets.find(name) == targets.end())
            throw Error(what + ": the weights hold the tensor '" + name + "', which this model does not have.");
    torch::NoGradGuard noGrad;
    for (auto& [name, target] : targets)
        target.copy_(dict.at(name).to(target.device(), target.scalar_type()));
}

StateDict moduleStateDict(const torch::nn::Module& module) {
    StateDict dict;
    for (const auto& p : module.named_parameters(true))
        dict.emplace(p.key(), p.value().detach().to(torch::kCPU, torch::kFloat).clone());
    for (const auto& b : module.named_buffers(true))
        dict.emplace(b.key(), b.value().detach().to(torch::kCPU, torch::kFloat).clone());
    return dict;
}

}  // namespace sem::diffusion::sd

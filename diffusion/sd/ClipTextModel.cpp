#include "diffusion/sd/ClipTextModel.h"

#include <cmath>
#include <limits>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion::sd {

namespace clip {

AttentionImpl::AttentionImpl(const ClipTextConfig& config, ModuleInit init) : heads_(config.numHeads) {
    const int w = config.hiddenSize;
    // Registered in transformers' order (k, v, q, out) so that named_parameters() lists them alike.
    kProj_ = register_module("k_proj", plain::Linear(w, w, init));
    vProj_ = register_module("v_proj", plain::Linear(w, w, init));
    qProj_ = register_module("q_proj", plain::Linear(w, w, init));
    outProj_ = register_module("out_proj", plain::Linear(w, w, init));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& causalMask) const {
    const auto b = x.size(0), l = x.size(1), w = x.size(2);
    const auto d = w / heads_;
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    // [B, L, W] -> [B*H, L, d]
    auto heads = [&](const torch::Tensor& t) {
        return t.view({b, l, heads_, d}).transpose(1, 2).reshape({b * heads_, l, d});
    };
    const torch::Tensor q = heads(qProj_->forward(x) * scale);
    const torch::Tensor k = heads(kProj_->forward(x));
    const torch::Tensor v = heads(vProj_->forward(x));
    torch::Tensor scores = torch::bmm(q, k.transpose(1, 2)).view({b, heads_, l, l}) + causalMask;
    const torch::Tensor probs = torch::softmax(scores.view({b * heads_, l, l}), -1);
    const torch::Tensor out = torch::bmm(probs, v).view({b, heads_, l, d}).transpose(1, 2).reshape({b, l, w});
    return outProj_->forward(out);
}

EncoderLayerImpl::EncoderLayerImpl(const ClipTextConfig& config, ModuleInit init)
    : activation_(config.activation) {
    selfAttn_ = register_module("self_attn", Attention(config, init));
    layerNorm1_ = register_module("layer_norm1", plain::LayerNorm(config.hiddenSize, config.layerNormEps, init));
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>("mlp"));
    fc1_ = mlp->register_module("fc1", plain::Linear(config.hiddenSize, config.intermediateSize, init));
    fc2_ = mlp->register_module("fc2", plain::Linear(config.intermediateSize, config.hiddenSize, init));
    layerNorm2_ = register_module("layer_norm2", plain::LayerNorm(config.hiddenSize, config.layerNormEps, init));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& causalMask) const {
    torch::Tensor h = x + selfAttn_->forward(layerNorm1_->forward(x), causalMask);
    torch::Tensor m = fc1_->forward(layerNorm2_->forward(h));
    if (activation_ == ClipTextConfig::Activation::QuickGelu)
        m = m * torch::sigmoid(1.702 * m);
    else
        m = torch::gelu(m);
    return h + fc2_->forward(m);
}

}  // namespace clip

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& config, ModuleInit init) : config_(config) {
    config_.validate();
    auto textModel = register_module("text_model", std::make_shared<torch::nn::Module>("text_model"));
    auto embeddings = textModel->register_module("embeddings", std::make_shared<torch::nn::Module>("embeddings"));
    tokenEmbedding_ = embeddings->register_module(
        "token_embedding", plain::Embedding(config.vocabSize, config.hiddenSize, init));
    positionEmbedding_ = embeddings->register_module(
        "position_embedding", plain::Embedding(config.maxPositions, config.hiddenSize, init));
    auto encoder = textModel->register_module("encoder", std::make_shared<torch::nn::Module>("encoder"));
    torch::nn::ModuleList layers;
    for (int i = 0; i < config.numLayers; ++i) {
        layers_.push_back(clip::EncoderLayer(config, init));
        layers->push_back(layers_.back());
    }
    encoder->register_module("layers", layers);
    finalLayerNorm_ = textModel->register_module(
        "final_layer_norm", plain::LayerNorm(config.hiddenSize, config.layerNormEps, init));
}

ClipTextOutput ClipTextModelImpl::forward(const torch::Tensor& inputIds) const {
    if (inputIds.dim() != 2 || inputIds.size(0) < 1 || inputIds.size(1) < 1 ||
        inputIds.size(1) > config_.maxPositions)
        throw Error("text encoder: the token ids must be a [batch, length] tensor with 1 <= length <= " +
                    std::to_string(config_.maxPositions) + ".");
    if (inputIds.is_floating_point() || inputIds.is_complex() || inputIds.scalar_type() == torch::kBool)
        throw Error("text encoder: the token ids must be integers.");
    torch::NoGradGuard noGrad;
    const auto device = tokenEmbedding_->weight.device();
    const torch::Tensor ids = inputIds.to(device, torch::kLong);
    if (ids.min().item<std::int64_t>() < 0 || ids.max().item<std::int64_t>() >= config_.vocabSize)
        throw Error("text encoder: a token id is outside 0.." + std::to_string(config_.vocabSize - 1) + ".");
    const auto l = ids.size(1);
    const auto options = tokenEmbedding_->weight.options();
    torch::Tensor h = tokenEmbedding_->forward(ids) +
                      positionEmbedding_->forward(torch::arange(l, torch::TensorOptions(device).dtype(torch::kLong)));
    // Causal mask: position i sees positions <= i. -inf above the diagonal (transformers adds the
    // dtype's lowest value: the same probabilities, the diagonal is never masked).
    const torch::Tensor mask =
        torch::full({l, l}, -std::numeric_limits<float>::infinity(), options).triu(1).view({1, 1, l, l});
    for (const auto& layer : layers_)
        h = layer->forward(h, mask);
    ClipTextOutput out;
    out.lastHiddenState = finalLayerNorm_->forward(h);
    // The pooled position: transformers 4.33 takes the highest id when eos_token_id is 2 (the configs
    // written before its fix, SD 1.x's included), else the first position holding eos_token_id (0 if none).
    const torch::Tensor position = config_.eosTokenId == 2 ? ids.to(torch::kInt).argmax(-1)
                                                           : (ids == config_.eosTokenId).to(torch::kInt).argmax(-1);
    out.pooled = out.lastHiddenState.index({torch::arange(ids.size(0), torch::TensorOptions(device).dtype(torch::kLong)),
                                            position.to(torch::kLong)});
    return out;
}

void ClipTextModelImpl::loadWeights(const StateDict& weights) {
    StateDict dict = weights;
    dict.erase("text_model.embeddings.position_ids");
    loadStateDict(*this, dict, "text encoder");
}

}  // namespace sem::diffusion::sd

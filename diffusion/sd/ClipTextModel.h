#pragma once
// The CLIP text encoder of Stable Diffusion 1.x (transformers' CLIPTextModel), ported to LibTorch
// (internal: torch types). Parameter names equal transformers' state_dict names
// ("text_model.encoder.layers.0.self_attn.q_proj.weight"), so a text_encoder/model.safetensors loads
// by name. Pre-LayerNorm transformer with a causal mask; SD conditions the UNet on last_hidden_state.
#include <string>
#include <vector>

#include <torch/torch.h>

#include "diffusion/sd/ClipTextConfig.h"
#include "diffusion/sd/PlainLayers.h"
#include "diffusion/sd/StateDict.h"

namespace sem::diffusion::sd {

namespace clip {

class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(const ClipTextConfig& config, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& causalMask) const;

private:
    int heads_;
    plain::Linear qProj_{nullptr}, kProj_{nullptr}, vProj_{nullptr}, outProj_{nullptr};
};
TORCH_MODULE(Attention);

class EncoderLayerImpl : public torch::nn::Module {
public:
    EncoderLayerImpl(const ClipTextConfig& config, ModuleInit init);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& causalMask) const;

private:
    ClipTextConfig::Activation activation_;
    Attention selfAttn_{nullptr};
    plain::LayerNorm layerNorm1_{nullptr}, layerNorm2_{nullptr};
    plain::Linear fc1_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(EncoderLayer);

}  // namespace clip

struct ClipTextOutput {
    torch::Tensor lastHiddenState;  // [B, L, hidden], after final_layer_norm
    torch::Tensor pooled;           // [B, hidden]: last_hidden_state at the EOS position (config.eosTokenId)
};

class ClipTextModelImpl : public torch::nn::Module {
public:
    explicit ClipTextModelImpl(const ClipTextConfig& config, ModuleInit init = ModuleInit::Random);

    // inputIds: integer [B, L] with 1 <= L <= maxPositions and every id < vocabSize (checked: throws
    // Error("text encoder: ...")). Runs on the device and dtype of the parameters.
    ClipTextOutput forward(const torch::Tensor& inputIds) const;

    // Copies diffusers/transformers-named weights in (strict: every tensor present with its shape,
    // nothing extra; "text_model.embeddings.position_ids", a buffer some files hold, is ignored).
    // Throws Error("text encoder: ...") and leaves the module untouched on any mismatch.
    void loadWeights(const StateDict& weights);

    const ClipTextConfig& config() const { return config_; }

private:
    ClipTextConfig config_;
    plain::Embedding tokenEmbedding_{nullptr}, positionEmbedding_{nullptr};
    std::vector<clip::EncoderLayer> layers_;
    plain::LayerNorm finalLayerNorm_{nullptr};
};
TORCH_MODULE(ClipTextModel);

}  // namespace sem::diffusion::sd

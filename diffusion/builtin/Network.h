#pragma once
// Internal: the LibTorch modules of the decoder. Never include this from code that sees Qt.
#include <map>
#include <string>
#include <torch/torch.h>

#include "diffusion/builtin/ModelConfig.h"
#include "diffusion/SafeTensors.h"

namespace sem::diffusion::net {

// Pre-activation residual block with FiLM (scale, shift) from the timestep/condition embedding.
struct ResBlockImpl : torch::nn::Module {
    ResBlockImpl(int in, int out, int embedding, int groups);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb);
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
    torch::nn::Linear film{nullptr};
};
TORCH_MODULE(ResBlock);

// Self-attention over the pixels of the lowest level, then cross-attention to the caption tokens.
struct AttentionBlockImpl : torch::nn::Module {
    AttentionBlockImpl(int channels, int heads, int groups, int contextWidth);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, const torch::Tensor& contextMask);
    int heads;
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Linear qkv{nullptr}, proj{nullptr};
    torch::nn::LayerNorm crossNorm{nullptr};
    torch::nn::Linear crossQ{nullptr}, crossKv{nullptr}, crossProj{nullptr};
};
TORCH_MODULE(AttentionBlock);

struct TextLayerImpl : torch::nn::Module {
    TextLayerImpl(int width, int heads);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
    int heads;
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(TextLayer);

// Token ids [B, L] + validity mask [B, L] (bool) -> token features [B, L, W] and pooled [B, W].
struct TextEncoderImpl : torch::nn::Module {
    TextEncoderImpl(const ModelConfig& config, std::int64_t vocabularySize);
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids, const torch::Tensor& mask);
    torch::nn::Embedding tokens{nullptr}, positions{nullptr};
    torch::nn::ModuleList layers{nullptr};
    torch::nn::LayerNorm finalNorm{nullptr};
};
TORCH_MODULE(TextEncoder);

// Everything the U-Net needs besides the noisy image, computed once per decode.
struct Context {
    torch::Tensor conditions;  // [B, 5, H, W]: edges (0..1), hint RGB (-1..1), hint mask (0/1)
    torch::Tensor scaleIndex;  // [B] int64: 0..3 for edge scale 1,2,4,8; 4 = no edges
    torch::Tensor text;        // [B, L, W]
    torch::Tensor textMask;    // [B, L] bool
    torch::Tensor textPooled;  // [B, W]
};

struct UNetImpl : torch::nn::Module {
    explicit UNetImpl(const ModelConfig& config);
    // x [B, 3, H, W] (H, W multiples of config.downsampling()), t [B] float timestep indices.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const Context& context);
    ModelConfig config;
    bool channelsLast = false;  // NHWC activations (faster oneDNN convolutions on CPU)
    torch::nn::Conv2d inConv{nullptr}, outConv{nullptr};
    torch::nn::Linear time1{nullptr}, time2{nullptr}, textToTime{nullptr};
    torch::nn::Embedding scaleEmbedding{nullptr};
    torch::nn::ModuleList down{nullptr}, downsample{nullptr}, mid{nullptr}, up{nullptr}, upsample{nullptr};
    AttentionBlock attention{nullptr};
    torch::nn::GroupNorm outNorm{nullptr};
};
TORCH_MODULE(UNet);

// Caption -> G x G colour layout: the mean of the rows of `words` of the caption's known tokens
// (ids >= Tokenizer::kReserved) plus `bias`, in the model's pixel range (-1..1, RGB planes).
struct CaptionPriorImpl : torch::nn::Module {
    CaptionPriorImpl(std::int64_t vocabularySize, int grid);
    // ids, mask [B, L] -> layouts [B, 3, G, G] and the count of known tokens per caption [B].
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids, const torch::Tensor& mask);
    int grid = 0;
    torch::Tensor words, bias;  // [vocabularySize, 3 * G * G], [3 * G * G]
};
TORCH_MODULE(CaptionPrior);

// The whole decoder: parameter names are "text.*", "unet.*" and, with a caption prior, "prior.*".
struct DecoderModelImpl : torch::nn::Module {
    DecoderModelImpl(const ModelConfig& config, std::int64_t vocabularySize);
    TextEncoder text{nullptr};
    UNet unet{nullptr};
    CaptionPrior prior{nullptr};  // empty when config.captionPriorGrid == 0
};
TORCH_MODULE(DecoderModel);

// Float32 copies of all parameters, keyed by name (the order safetensors files are written in).
std::map<std::string, SafeTensors::Tensor> exportTensors(const DecoderModel& model);
// Copies every parameter from the file; throws Error("model: ...") when a tensor is missing, has
// another shape, or the file holds a tensor the model does not have.
void importTensors(DecoderModel& model, const SafeTensors& file);

}  // namespace sem::diffusion::net

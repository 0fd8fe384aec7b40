#pragma once
// The CLIP text encoder's configuration (transformers' CLIPTextConfig, text_encoder/config.json),
// torch-free. The defaults are Stable Diffusion 1.x's text tower (OpenAI CLIP ViT-L/14: 768 wide,
// 12 layers, 12 heads, 3072 MLP, 49408 tokens, 77 positions, quick_gelu), not transformers' own
// defaults (512 wide, 8 heads). projection_dim and the dropout/initialiser fields are ignored.
#include <cstdint>
#include <string>

namespace sem::diffusion::sd {

struct ClipTextConfig {
    enum class Activation { QuickGelu, Gelu };  // x * sigmoid(1.702 x); the exact erf GELU

    int vocabSize = 49408;
    int hiddenSize = 768;
    int intermediateSize = 3072;
    int numLayers = 12;
    int numHeads = 12;
    int maxPositions = 77;
    Activation activation = Activation::QuickGelu;
    double layerNormEps = 1e-5;
    // Which position gives the pooled output: 2 (SD 1.x's config, transformers before 4.31) means the
    // position of the highest token id; any other id, the first position holding that id.
    int eosTokenId = 2;

    int headDim() const { return hiddenSize / numHeads; }
    // Parameters of CLIPTextModel with this configuration (123,060,480 for the defaults).
    std::int64_t parameterCount() const;
    // Throws Error("text encoder config: ...") naming the first value out of range.
    void validate() const;

    // transformers' field names (hidden_size, num_attention_heads, hidden_act, ...).
    std::string toJson() const;
    // Parses and validates a text_encoder/config.json (a full CLIPConfig's "text_config" is used);
    // missing fields keep the defaults above. Throws Error("text encoder config: ...").
    static ClipTextConfig fromJson(const std::string& text);
    static ClipTextConfig load(const std::string& path);
};

}  // namespace sem::diffusion::sd

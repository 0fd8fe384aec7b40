#pragma once
// Tensor names of the original single-file Stable Diffusion 1.x checkpoint (CompVis/LDM layout) ->
// the diffusers/transformers names our modules use. Torch-free and pure (fuzzed by fuzz_sdconfig).
//   text encoder: "cond_stage_model.transformer.text_model.X" -> "text_model.X" (the same names; a
//                 few old checkpoints lack the "text_model." level: it is added)
//   VAE:          "first_stage_model.encoder.down.0.block.1.nin_shortcut.weight"
//                 -> "encoder.down_blocks.0.resnets.1.conv_shortcut.weight", the decoder's levels
//                 reversed ("decoder.up.3" -> "decoder.up_blocks.0" for 4 blocks), "mid.block_1" ->
//                 "mid_block.resnets.0", "mid.attn_1.{norm,q,k,v,proj_out}" ->
//                 "mid_block.attentions.0.{group_norm,to_q,to_k,to_v,to_out.0}", "norm_out" -> "conv_norm_out".
// The VAE attention's q/k/v/proj_out weights are 1x1 convolutions [C, C, 1, 1] in the original and
// linear [C, C] in diffusers: the loader reshapes them (isVaeAttentionProjection says which).
#include <optional>
#include <string>

namespace sem::diffusion::sd {

inline const std::string kClipSingleFilePrefix = "cond_stage_model.transformer.";
inline const std::string kVaeSingleFilePrefix = "first_stage_model.";

// The diffusers name of a text encoder tensor, given its name without kClipSingleFilePrefix;
// std::nullopt when it is not a CLIPTextModel name (the loader refuses it, naming the original).
std::optional<std::string> clipTextDiffusersName(const std::string& original);

// The diffusers name of a VAE tensor of a VAE with `blockCount` resolution levels, given its name
// without the prefix; std::nullopt when it follows none of the rules above (or its decoder level is
// not below blockCount).
std::optional<std::string> vaeDiffusersName(const std::string& original, int blockCount);

// The current diffusers name of a diffusers VAE tensor: older diffusers files (before 0.14) call the
// mid-block attention's projections "query", "key", "value" and "proj_attn" (diffusers renames them
// on load to to_q, to_k, to_v, to_out.0); every other name is returned unchanged.
std::string vaeCurrentDiffusersName(const std::string& name);

// True for the diffusers names whose original tensor is a 1x1 convolution and ours a linear weight:
// "{encoder,decoder}.mid_block.attentions.N.{to_q,to_k,to_v,to_out.0}.weight".
bool isVaeAttentionProjection(const std::string& diffusersName);

}  // namespace sem::diffusion::sd

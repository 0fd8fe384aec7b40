#pragma once
// The torch side of tst_sd_clipparity (no Qt here, no torch in the header). `fixtures` is
// tests/diffusion/sd/fixtures (made by reference/make_clip_vae_fixtures.py).
#include <string>

namespace sem::test::clip {

// Max relative error (max |ours - ref| / max |ref|) of the text encoder loaded from `what`:
//   "diffusers"        fixtures/clip (config.json + model.safetensors): last_hidden_state + pooled
//   "diffusers-short"  the same model on [3, 10] ids (fewer than the 77 positions)
//   "eos999"           eos_token_id 999: the pooled output takes the first position of id 999
//   "gelu"             the same weights with hidden_act gelu
//   "singlefile"       fixtures/tiny_singlefile.safetensors (cond_stage_model.transformer.*)
//   "singlefile-fp16"  its F16 copy, against the reference run on the F16-rounded weights
//   "position-ids"     the diffusers weights plus a position_ids tensor, as older files hold (ignored)
//   "perturbed-input"  one token id changed: must be far from the reference
//   "perturbed-weight" one LayerNorm bias moved by 1e-2: must be far from the reference
double relativeError(const std::string& fixtures, const std::string& what);

// The message of the Error thrown when loading a broken variant of the fixture ("" if none was
// thrown), checking that the module that was being loaded kept its previous parameters (else the
// message is "MODULE CHANGED"):
//   "missing" (no final_layer_norm.bias), "extra" (an unknown tensor), "shape" (a wrong shape),
//   "singlefile-unknown" (an unknown cond_stage_model.transformer.* name), "ids-range" (a token id
//   >= vocab_size), "ids-length" (78 > 77 positions)
std::string loadError(const std::string& fixtures, const std::string& what);

// The message of the Error thrown by loading the diffusers folder `folder` ("" if it loads).
std::string folderError(const std::string& folder);

}  // namespace sem::test::clip

#pragma once
// The torch side of tst_sd_vaeparity (no Qt here, no torch in the header). `fixtures` is
// tests/diffusion/sd/fixtures (made by reference/make_clip_vae_fixtures.py).
#include <cstdint>
#include <string>

namespace sem::test::vae {

// Max relative error (max |ours - ref| / max |ref|) over encode's mean and logvar, decode(mean) and
// decode(latent) of the VAE loaded from `what`:
//   "diffusers"        fixtures/vae (config.json + diffusion_pytorch_model.safetensors)
//   "singlefile"       fixtures/tiny_singlefile.safetensors (first_stage_model.*, 1x1-conv attention)
//   "old-names"        the diffusers weights with the attention named query/key/value/proj_attn
//   "perturbed-input"  one pixel of the image changed by 0.5: must be far from the reference
//   "perturbed-weight" the decoder attention's to_v bias moved by 1e-2: must be far from the reference
double relativeError(const std::string& fixtures, const std::string& what);

// Max relative error of the tiled VAE (fixtures/vae_tiling_io.safetensors, made by
// reference/make_vae_tiling_fixtures.py: diffusers' enable_tiling on the tiny VAE, tile 32 px):
//   "encode"    encodeTiled's mean and logvar of the 56x88 image vs diffusers' tiled_encode
//   "decode"    decodeTiled of the 14x22 latent vs diffusers' tiled_decode
//   "untiled"   the plain decode vs diffusers' tiled_decode: must be far (the tiles matter)
//   "small"     decodeTiled of a latent no larger than a tile vs the plain decode: 0 (not tiled)
double tilingError(const std::string& fixtures, const std::string& what);

// Max |w16 - round_to_half(w32)| over all parameters, loading the F16 single file and the F32 one.
double fp16LoadError(const std::string& fixtures);

// As in ClipParity.h: the Error message of a broken variant, "MODULE CHANGED" if the module moved.
//   "missing", "extra", "shape", "singlefile-unknown", "singlefile-level" (decoder.up.3 in a 3-level
//   VAE), "encode-size" (an image side not a multiple of 4), "decode-channels" (3 latent channels)
std::string loadError(const std::string& fixtures, const std::string& what);

// The message of the Error thrown by loading the diffusers folder `folder` ("" if it loads).
std::string folderError(const std::string& folder);

// The number of parameters of our AutoencoderKL built from `configJson`, and how many of their
// names contain "attentions" (no weights are loaded).
std::int64_t parameterCount(const std::string& configJson, std::int64_t* attentionTensors);

}  // namespace sem::test::vae

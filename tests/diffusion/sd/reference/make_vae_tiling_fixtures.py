"""Parity fixture of the tiled VAE (diffusers' AutoencoderKL.enable_tiling: tiled_encode / tiled_decode)
for tst_sd_vaeparity, from the tiny VAE that make_clip_vae_fixtures.py wrote (fixtures/vae).

Rerun:
    . /work/refenv/env.sh && $PY tests/diffusion/sd/reference/make_vae_tiling_fixtures.py

The tiny VAE has 3 levels (factor 4) and sample_size 32, so diffusers tiles images larger than 32 px
(latents larger than 8) with 25 % overlap: an 56x88 image and 14x22 latents give 3x4 tiles with
partial ones at the bottom and right edges.

Writes fixtures/vae_tiling_io.safetensors: image, tiled_mean, tiled_logvar (tiled_encode's
posterior), latent, tiled_decoded (tiled_decode of latent), decoded (the untiled decode, to show the
two differ).
"""
import os
import torch
from diffusers import AutoencoderKL
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")

vae = AutoencoderKL.from_pretrained(os.path.join(OUT, "vae")).eval()
vae.enable_tiling()
assert vae.tile_sample_min_size == 32 and vae.tile_latent_min_size == 8
g = torch.Generator().manual_seed(7)
image = (torch.rand(1, 3, 56, 88, generator=g) * 2 - 1)
latent = torch.randn(1, 4, 14, 22, generator=g)
with torch.no_grad():
    post = vae.encode(image).latent_dist
    tiled_decoded = vae.decode(latent).sample
    vae.disable_tiling()
    decoded = vae.decode(latent).sample
print("tiled mean", tuple(post.mean.shape), "decoded", tuple(tiled_decoded.shape),
      "tiled vs untiled decode max diff", (tiled_decoded - decoded).abs().max().item())
save_file({"image": image.contiguous(), "tiled_mean": post.mean.contiguous(), "tiled_logvar": post.logvar.contiguous(),
           "latent": latent.contiguous(), "tiled_decoded": tiled_decoded.contiguous(), "decoded": decoded.contiguous()},
          os.path.join(OUT, "vae_tiling_io.safetensors"))

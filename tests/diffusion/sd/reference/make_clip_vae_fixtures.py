"""Parity fixtures of the SD 1.x CLIP text encoder and AutoencoderKL (tst_sd_clipparity, tst_sd_vaeparity).

Rerun (needs the reference environment, /work/shared/reference/README.md; CI never runs this):
    . /work/refenv/env.sh && $PY tests/diffusion/sd/reference/make_clip_vae_fixtures.py

Writes into tests/diffusion/sd/fixtures/:
  clip/config.json, clip/model.safetensors      tiny CLIPTextModel (transformers 4.33), diffusers layout
  vae/config.json, vae/diffusion_pytorch_model.safetensors   tiny AutoencoderKL (diffusers 0.25.1)
  tiny_singlefile.safetensors     both in the original single-file layout, as in a real SD checkpoint
                                  (cond_stage_model.transformer.*, first_stage_model.* with the VAE
                                  attention q/k/v/proj_out as 1x1 convs), plus two foreign tensors
  tiny_singlefile_fp16.safetensors  the same file in F16
  clip_io.safetensors, vae_io.safetensors   inputs (token ids stored as F32) and reference outputs
  sd15_text_encoder_config.json, sd15_vae_config.json   the SD 1.5 configurations as the reference writes them
Every parameter is perturbed away from its default init (norm weights of 1, biases of 0 would let a
loader that skips them pass), and the single-file layout is checked against diffusers' own converter.
"""
import json, os, struct
import numpy as np, torch
from diffusers import AutoencoderKL
from diffusers.pipelines.stable_diffusion.convert_from_ckpt import convert_ldm_vae_checkpoint, convert_ldm_clip_checkpoint
from transformers import CLIPTextModel, CLIPTextConfig

torch.set_grad_enabled(False)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
os.makedirs(f"{OUT}/clip", exist_ok=True)
os.makedirs(f"{OUT}/vae", exist_ok=True)

DT = {torch.float32: ("F32", "<f4"), torch.float16: ("F16", "<f2")}


def st_write(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        tag, npd = DT[t.dtype]
        b = t.detach().contiguous().numpy().astype(npd).tobytes()
        header[name] = {"dtype": tag, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    print(f"  {os.path.relpath(path, OUT)}: {len(tensors)} tensors, {os.path.getsize(path)} bytes")


def perturb(model, seed, scale):
    g = torch.Generator().manual_seed(seed)
    for _, p in model.named_parameters():
        p.add_(torch.randn(p.shape, generator=g) * scale)


# ---------------- CLIP text encoder ----------------
tcfg = CLIPTextConfig(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4, vocab_size=1000,
                      max_position_embeddings=77, hidden_act="quick_gelu", layer_norm_eps=1e-5, projection_dim=32,
                      bos_token_id=0, eos_token_id=2, pad_token_id=1)  # SD 1.x's text_encoder config has eos 2
torch.manual_seed(0)
te = CLIPTextModel(tcfg).eval()
perturb(te, 10, 0.1)
tsd = {k: v for k, v in te.state_dict().items()}
assert "text_model.embeddings.position_ids" not in tsd  # a non-persistent buffer in transformers 4.33
te.config.to_json_file(f"{OUT}/clip/config.json")
st_write(f"{OUT}/clip/model.safetensors", tsd, {"format": "pt"})

g = torch.Generator().manual_seed(1)
ids = torch.randint(3, 1000, (2, 77), generator=g)
ids[:, 0] = 0
ids[0, 7:] = 2            # bos, 6 words, eos + eos padding (eos 2 < every word: argmax finds the highest id)
ids[1, 12:] = 2
o = te(ids)
ids_short = torch.randint(3, 999, (3, 10), generator=g)  # L = 10 < 77 positions
ids_short[0, 3] = 999; ids_short[0, 6] = 999; ids_short[1, 8] = 999  # row 2 has no 999
o_short = te(ids_short)
te.text_model.eos_token_id = 999  # the transformers >= 4.31 rule: first position of eos_token_id
o_eos = te(ids_short)
te.text_model.eos_token_id = 2
gelu_cfg = CLIPTextConfig(**{**tcfg.to_dict(), "hidden_act": "gelu"})
te_gelu = CLIPTextModel(gelu_cfg).eval()
te_gelu.load_state_dict(tsd)
o_gelu = te_gelu(ids)
te_half = CLIPTextModel(tcfg).eval()
te_half.load_state_dict({k: v.half().float() for k, v in tsd.items()})  # weights as the F16 file holds them
o_half = te_half(ids)
clip_io = {
    "input_ids": ids.float(), "last_hidden_state": o.last_hidden_state, "pooler_output": o.pooler_output,
    "short_input_ids": ids_short.float(), "short_last_hidden_state": o_short.last_hidden_state,
    "short_pooler_output": o_short.pooler_output, "short_pooler_output_eos999": o_eos.pooler_output,
    "gelu_last_hidden_state": o_gelu.last_hidden_state, "f16_weights_last_hidden_state": o_half.last_hidden_state,
}
print("clip: params", sum(p.numel() for p in te.parameters()), "last_hidden_state std", o.last_hidden_state.std().item(),
      "gelu vs quick_gelu", (o_gelu.last_hidden_state - o.last_hidden_state).abs().max().item(),
      "f16 weights vs f32", (o_half.last_hidden_state - o.last_hidden_state).abs().max().item())
st_write(f"{OUT}/clip_io.safetensors", {k: v.contiguous().float() for k, v in clip_io.items()})

# ---------------- AutoencoderKL ----------------
vcfg = dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 3,
            up_block_types=("UpDecoderBlock2D",) * 3, block_out_channels=(8, 16, 16), layers_per_block=2,
            latent_channels=4, norm_num_groups=4, sample_size=32, scaling_factor=0.18215)
torch.manual_seed(0)
vae = AutoencoderKL(**vcfg).eval()
perturb(vae, 11, 0.05)
g = torch.Generator().manual_seed(12)
for n, p in vae.named_parameters():  # sharper attention: random q/k of a useful scale
    if ".attentions." in n and (".to_q." in n or ".to_k." in n) and n.endswith("weight"):
        p.copy_(torch.randn(p.shape, generator=g) * 0.6)
vsd = {k: v for k, v in vae.state_dict().items()}
vae.save_config(f"{OUT}/vae")
st_write(f"{OUT}/vae/diffusion_pytorch_model.safetensors", vsd, {"format": "pt"})

img = torch.rand(2, 3, 16, 24, generator=g) * 2 - 1  # non-square: catches a swapped H/W
post = vae.encode(img).latent_dist
dec = vae.decode(post.mean).sample
z = torch.randn(1, 4, 3, 5, generator=g)  # odd latent sizes for the decoder alone
dec_z = vae.decode(z).sample
vae_io = {"image": img, "mean": post.mean, "logvar": post.logvar, "decoded_mean": dec, "latent": z, "decoded_latent": dec_z}
print("vae: params", sum(p.numel() for p in vae.parameters()), "mean std", post.mean.std().item(),
      "logvar range", post.logvar.min().item(), post.logvar.max().item(), "dec std", dec.std().item())
st_write(f"{OUT}/vae_io.safetensors", {k: v.contiguous().float() for k, v in vae_io.items()})


# ---------------- the original single-file layout ----------------
def vae_original_name(name, n):
    """diffusers AutoencoderKL name -> CompVis/LDM name (our own inverse of the converter's rules)."""
    parts = name.split(".")
    side, rest = parts[0], parts[1:]
    if side not in ("encoder", "decoder"):
        return name
    if rest[0] in ("down_blocks", "up_blocks"):
        i = int(rest[1])
        level = i if rest[0] == "down_blocks" else n - 1 - i
        where = "down" if rest[0] == "down_blocks" else "up"
        if rest[2] == "resnets":
            tail = ["nin_shortcut" if rest[4] == "conv_shortcut" else rest[4]] + rest[5:]
            return ".".join([side, where, str(level), "block", rest[3]] + tail)
        kind = "downsample" if rest[2] == "downsamplers" else "upsample"
        return ".".join([side, where, str(level), kind] + rest[4:])
    if rest[0] == "mid_block":
        if rest[1] == "resnets":
            return ".".join([side, "mid", f"block_{int(rest[2]) + 1}"] + rest[3:])
        attn = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out": "proj_out"}[rest[3]]
        tail = rest[5:] if rest[3] == "to_out" else rest[4:]
        return ".".join([side, "mid", "attn_1", attn] + tail)
    if rest[0] == "conv_norm_out":
        return ".".join([side, "norm_out"] + rest[1:])
    return name


single = {}
for k, v in vsd.items():
    o_name = vae_original_name(k, len(vcfg["block_out_channels"]))
    if ".attn_1." in o_name and o_name.endswith(".weight") and v.dim() == 2:
        v = v.reshape(*v.shape, 1, 1)  # LDM's attention q/k/v/proj_out are 1x1 convolutions
    single["first_stage_model." + o_name] = v
for k, v in tsd.items():
    single["cond_stage_model.transformer." + k] = v
single["model.diffusion_model.conv_in.bias"] = torch.randn(8, generator=g)  # another module's tensor
single["model_ema.decay"] = torch.tensor(0.9999)                            # a scalar real checkpoints hold
st_write(f"{OUT}/tiny_singlefile.safetensors", single, {"format": "pt"})
st_write(f"{OUT}/tiny_singlefile_fp16.safetensors", {k: v.half() for k, v in single.items()}, {"format": "pt"})


def same(a, b):
    return set(a) == set(b) and all(torch.equal(a[k], b[k]) for k in a)


back_vae = convert_ldm_vae_checkpoint(dict(single), vae.config)
back_clip = convert_ldm_clip_checkpoint(dict(single), text_encoder=CLIPTextModel(tcfg)).state_dict()
print("single-file -> diffusers (diffusers' own converters): vae", same(back_vae, vsd), "clip", same(back_clip, tsd))
assert same(back_vae, vsd) and same(back_clip, tsd)

# ---------------- the SD 1.5 configurations, as the reference writes them ----------------
sd15_text = CLIPTextConfig(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                           vocab_size=49408, max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768,
                           bos_token_id=0, eos_token_id=2, pad_token_id=1, layer_norm_eps=1e-5)
sd15_text.architectures = ["CLIPTextModel"]
with open(f"{OUT}/sd15_text_encoder_config.json", "w") as f:
    f.write(sd15_text.to_json_string())
vae15 = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
                      up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
                      act_fn="silu", latent_channels=4, norm_num_groups=32, sample_size=512, scaling_factor=0.18215)
print("sd15 vae params", sum(p.numel() for p in vae15.parameters()))
with open(f"{OUT}/sd15_vae_config.json", "w") as f:
    f.write(vae15.to_json_string())

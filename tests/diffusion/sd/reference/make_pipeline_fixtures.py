"""Whole-decode fixtures of the Stable Diffusion 1.x + ControlNet family, made by the reference.

A tiny random Stable Diffusion model (CLIP text encoder, UNet, ControlNet, VAE with the real 8x
latent factor, a tiny byte-level BPE vocabulary) is written as a diffusers folder and as single-file
checkpoints, and diffusers' own pipelines decode with it from given latents/noise:
  * text-to-image with ControlNet, DDIM eta 0, 4 steps, guidance 7.5 (StableDiffusionControlNetPipeline)
  * img2img with ControlNet, strength 0.5, the VAE encoding taken at its mean and the noise given
    (StableDiffusionControlNetImg2ImgPipeline with retrieve_latents / randn_tensor patched to be
    deterministic), DDIM eta 0, 4 steps
  * both again with a blank control image and another caption, to show the fixture can fail.
Rerun (needs the reference environment of ../shared/reference, never run by CI):
  . /work/refenv/env.sh && $PY tests/diffusion/sd/reference/make_pipeline_fixtures.py
Writes tests/diffusion/sd/fixtures/pipeline/.
"""
import gzip, json, os, struct, sys
import numpy as np, torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "pipeline")
REF = "/work/shared/reference"
sys.path.insert(0, REF)
import conv_maps as cm  # reference-side name tables (not part of the project)
from diffusers import (UNet2DConditionModel, ControlNetModel, AutoencoderKL, DDIMScheduler,
                       StableDiffusionControlNetPipeline, StableDiffusionControlNetImg2ImgPipeline)
import diffusers.pipelines.controlnet.pipeline_controlnet_img2img as img2img_module
from transformers import CLIPTextModel, CLIPTextConfig, CLIPTokenizer

torch.set_grad_enabled(False)
os.makedirs(OUT, exist_ok=True)

def st_write(path, sd, metadata=None):
    hdr, blobs, off = {}, [], 0
    for k, v in sd.items():
        b = v.detach().cpu().contiguous().float().numpy().astype("<f4").tobytes()
        hdr[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    if metadata: hdr["__metadata__"] = metadata
    h = json.dumps(hdr).encode(); h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h); [f.write(b) for b in blobs]

# ---------- a tiny byte-level BPE vocabulary: the 512 byte symbols, CLIP's first 300 merges ----------
import importlib.util
spec = importlib.util.spec_from_file_location("simple_tokenizer", os.environ["REFENV"] + "/src/openai-clip/clip/simple_tokenizer.py")
stk = importlib.util.module_from_spec(spec); spec.loader.exec_module(stk)
lines = gzip.open(os.environ["REFENV"] + "/src/openai-clip/clip/bpe_simple_vocab_16e6.txt.gz").read().decode("utf-8").split("\n")
merges = lines[1:1 + 300]
vocab = list(stk.bytes_to_unicode().values()); vocab += [v + "</w>" for v in vocab]
vocab += ["".join(m.split()) for m in merges]; vocab += ["<|startoftext|>", "<|endoftext|>"]
enc = {t: i for i, t in enumerate(vocab)}
folder = os.path.join(OUT, "tiny_sd")
for sub in ("tokenizer", "text_encoder", "unet", "vae", "scheduler", "controlnet"):
    os.makedirs(os.path.join(folder, sub), exist_ok=True)
json.dump(enc, open(f"{folder}/tokenizer/vocab.json", "w", encoding="utf-8"), ensure_ascii=False)
open(f"{folder}/tokenizer/merges.txt", "w", encoding="utf-8").write("#version: 0.2\n" + "\n".join(merges) + "\n")
tok = CLIPTokenizer(f"{folder}/tokenizer/vocab.json", f"{folder}/tokenizer/merges.txt", model_max_length=77)
tok.save_pretrained(f"{folder}/tokenizer")
V = len(enc)

# ---------- tiny models ----------
def he(p, gain):
    fan_in = p[0].numel() if p.dim() > 1 else 1
    return torch.randn_like(p) * gain * (2.0 / fan_in) ** 0.5

torch.manual_seed(10)
tcfg = CLIPTextConfig(hidden_size=16, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4, vocab_size=V,
                      max_position_embeddings=77, hidden_act="quick_gelu", bos_token_id=V - 2, eos_token_id=V - 1,
                      pad_token_id=V - 1, layer_norm_eps=1e-5, projection_dim=16)
te = CLIPTextModel(tcfg).eval()
torch.manual_seed(11)
unet = UNet2DConditionModel(block_out_channels=(16, 32), layers_per_block=1, sample_size=16, in_channels=4, out_channels=4,
                            down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
                            cross_attention_dim=16, attention_head_dim=2, norm_num_groups=8).eval()
# Larger output weights so that the UNet's prediction is not almost zero (default init: conv_out is
# small), and a cross-attention that lets the caption matter (default init: it barely does).
for n, p in unet.named_parameters():
    if n.startswith("conv_out"):
        p.copy_(torch.randn_like(p) * 0.1)
    elif ".attn2.to_k." in n or ".attn2.to_v." in n or ".attn2.to_out.0.weight" in n:
        p.mul_(4.0)
torch.manual_seed(12)
cn = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(8, 8, 16, 16)).eval()
# from_unet zero-initialises the zero convs: give them values, and strengthen the conditioning
# embedding so that the control image matters (see ../shared/reference/README.md).
for n, p in cn.named_parameters():
    if n.startswith("controlnet_cond_embedding") and p.dim() == 4:
        p.copy_(he(p, 1.4))
    elif n.startswith("controlnet_down_blocks") or n.startswith("controlnet_mid_block"):
        p.copy_(torch.randn_like(p) * 0.2)
torch.manual_seed(13)
vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
                    up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(8, 8, 16, 16), layers_per_block=1,
                    latent_channels=4, norm_num_groups=4, sample_size=128, scaling_factor=0.18215).eval()
sched = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                      clip_sample=False, set_alpha_to_one=False, steps_offset=1, timestep_spacing="leading",
                      prediction_type="epsilon")

# ---------- the diffusers folder ----------
te.save_pretrained(f"{folder}/text_encoder", safe_serialization=True)
unet.save_pretrained(f"{folder}/unet", safe_serialization=True)
vae.save_pretrained(f"{folder}/vae", safe_serialization=True)
cn.save_pretrained(f"{folder}/controlnet", safe_serialization=True)
sched.save_pretrained(f"{folder}/scheduler")
json.dump({"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.25.1",
           "feature_extractor": [None, None], "safety_checker": [None, None], "requires_safety_checker": False,
           "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
           "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
           "vae": ["diffusers", "AutoencoderKL"]}, open(f"{folder}/model_index.json", "w"), indent=2)
# Replace the stub-written weights by our own writer's (same names, float32, sorted), for a small fixed size.
for sub, model, name in (("text_encoder", te, "model.safetensors"), ("unet", unet, "diffusion_pytorch_model.safetensors"),
                         ("vae", vae, "diffusion_pytorch_model.safetensors"), ("controlnet", cn, "diffusion_pytorch_model.safetensors")):
    for f in os.listdir(f"{folder}/{sub}"):
        if f.endswith(".safetensors") or f.endswith(".bin"):
            os.remove(f"{folder}/{sub}/{f}")
    sd = model.state_dict()
    st_write(f"{folder}/{sub}/{name}", {k: sd[k] for k in sorted(sd)}, {"format": "pt"})

# ---------- single-file checkpoints (original names) ----------
usd, csd, vsd, tsd = unet.state_dict(), cn.state_dict(), vae.state_dict(), te.state_dict()
single = {**cm.to_ldm(usd, cm.unet_names(list(usd), unet.config), "model.diffusion_model."),
          **cm.to_ldm(vsd, cm.vae_names(list(vsd), 4, 1), "first_stage_model.", vae=True),
          **{"cond_stage_model.transformer." + k: v for k, v in tsd.items()}}
ctrl = cm.to_ldm(csd, cm.unet_names(list(csd), cn.config, controlnet=True), "control_model.")
st_write(f"{OUT}/tiny_sd_singlefile.safetensors", {k: single[k] for k in sorted(single)}, {"format": "pt"})
st_write(f"{OUT}/tiny_controlnet_singlefile.safetensors", {k: ctrl[k] for k in sorted(ctrl)}, {"format": "pt"})

# ---------- inputs ----------
H = W = 128
g = torch.Generator().manual_seed(20)
latents = torch.randn(1, 4, H // 8, W // 8, generator=g)
noise = torch.randn(1, 4, H // 8, W // 8, generator=g)
yy, xx = np.mgrid[0:H, 0:W]
edges = ((np.abs(xx - yy) < 1) | (np.abs(yy - 40) < 1) | (((xx - 80) ** 2 + (yy - 70) ** 2 - 900) ** 2 < 3600)).astype(np.float32)
control = torch.from_numpy(np.repeat(edges[None, None], 3, axis=1))          # white lines on black, 0..1
hint = torch.stack([torch.from_numpy((xx / W).astype(np.float32)), torch.from_numpy((yy / H).astype(np.float32)),
                    torch.full((H, W), 0.6)])[None]                            # an RGB gradient, 0..1
caption, other = "a red car under a blue sky", "a green forest at night"

pipe = StableDiffusionControlNetPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, controlnet=cn, scheduler=sched,
                                         safety_checker=None, feature_extractor=None, requires_safety_checker=False)
pipe.set_progress_bar_config(disable=True)
def t2i(prompt, ctrl_image):
    return torch.from_numpy(pipe(prompt, image=ctrl_image, num_inference_steps=4, guidance_scale=7.5, eta=0.0,
                                 latents=latents.clone(), height=H, width=W, output_type="np",
                                 controlnet_conditioning_scale=1.0).images).permute(0, 3, 1, 2)

i2i = StableDiffusionControlNetImg2ImgPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, controlnet=cn,
                                               scheduler=sched, safety_checker=None, feature_extractor=None,
                                               requires_safety_checker=False)
i2i.set_progress_bar_config(disable=True)
# Deterministic img2img: the VAE encoding at its mean, the noise given.
img2img_module.retrieve_latents = lambda enc, generator=None: enc.latent_dist.mean
img2img_module.randn_tensor = lambda shape, generator=None, device=None, dtype=None: noise.clone().to(dtype=dtype)
def img2img(prompt, ctrl_image):
    return torch.from_numpy(i2i(prompt, image=hint, control_image=ctrl_image, strength=0.5, num_inference_steps=4,
                                guidance_scale=7.5, eta=0.0, height=H, width=W, output_type="np",
                                controlnet_conditioning_scale=1.0).images).permute(0, 3, 1, 2)

# The control image and the hint are not stored: the test computes them with the same formulas.
out = {"latents": latents, "noise": noise}
out["t2i"] = t2i(caption, control)
out["img2img"] = img2img(caption, control)
blank_t2i, other_t2i = t2i(caption, torch.zeros_like(control)), t2i(other, control)
blank_i2i = img2img(caption, torch.zeros_like(control))
ids = tok(caption, padding="max_length", max_length=77, truncation=True).input_ids
out["caption_ids"] = torch.tensor(ids, dtype=torch.float32)
st_write(f"{OUT}/pipeline_io.safetensors", out)
json.dump({"caption": caption, "other_caption": other, "steps": 4, "guidance": 7.5, "eta": 0.0, "strength": 0.5,
           "height": H, "width": W, "sampler": "ddim", "control_scale": 1.0}, open(f"{OUT}/pipeline_settings.json", "w"), indent=2)

def psnr(a, b):
    return float(10 * torch.log10(1.0 / ((a - b) ** 2).mean()))
print("t2i range", out["t2i"].min().item(), out["t2i"].max().item(), "std", out["t2i"].std().item())
print("PSNR t2i vs blank control %.1f dB, vs other caption %.1f dB" % (psnr(out["t2i"], blank_t2i), psnr(out["t2i"], other_t2i)))
print("PSNR img2img vs blank control %.1f dB; img2img vs hint %.1f dB" % (psnr(out["img2img"], blank_i2i), psnr(out["img2img"], hint)))
tot = 0
for root, _, files in os.walk(OUT):
    for f in files:
        tot += os.path.getsize(os.path.join(root, f))
print("fixture bytes", tot)

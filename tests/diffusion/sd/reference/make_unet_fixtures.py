"""Writes the tiny UNet2DConditionModel / ControlNetModel parity fixtures of tst_sd_unetparity and
tst_sd_controlnetparity (diffusers v0.25.1 on torch 1.13.1, fp32 CPU).

Rerun:  . /work/refenv/env.sh && $PY tests/diffusion/sd/reference/make_unet_fixtures.py

Writes into tests/diffusion/sd/fixtures/:
  unet_tiny/{config.json,diffusion_pytorch_model.safetensors}         diffusers layout, conv proj_in/out
  unet_tiny_linear/{config.json,diffusion_pytorch_model.safetensors}  use_linear_projection, per-block heads
  controlnet_tiny/{config.json,diffusion_pytorch_model.safetensors}
  unet_tiny_original.safetensors         the same UNet weights named model.diffusion_model.* (single file)
  unet_tiny_linear_original.safetensors  ditto, proj_in/out stored as [C, C, 1, 1] as 1x1 convs
  controlnet_tiny_original.safetensors   control_model.* (input_hint_block, zero_convs, middle_block_out)
  unet_io.safetensors                    inputs and reference outputs (see the names written below)
"""
import json, os, struct, sys
import numpy as np
import torch
from diffusers import UNet2DConditionModel, ControlNetModel

torch.set_grad_enabled(False)
HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")


def st_write(path, sd):
    hdr, blobs, off = {}, [], 0
    for k, v in sd.items():
        b = v.detach().contiguous().float().numpy().astype("<f4").tobytes()
        hdr[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    hdr["__metadata__"] = {"format": "pt"}
    h = json.dumps(hdr).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    size = os.path.getsize(path)
    print(f"  wrote {os.path.relpath(path, FIX)}: {len(sd)} tensors, {size} bytes")
    assert size < 1_000_000, path


def save_diffusers(model, folder):
    os.makedirs(os.path.join(FIX, folder), exist_ok=True)
    cfg = {k: (list(v) if isinstance(v, tuple) else v) for k, v in dict(model.config).items()}
    cfg["_class_name"] = type(model).__name__
    cfg["_diffusers_version"] = "0.25.1"
    with open(os.path.join(FIX, folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    st_write(os.path.join(FIX, folder, "diffusion_pytorch_model.safetensors"), model.state_dict())


# ---- original (single-file, LDM) names: our own port of the rules of convert_ldm_unet_checkpoint, inverted ----
def to_original(sd, cfg, prefix, controlnet=False, conv_proj=False):
    down, lpb = cfg["down_block_types"], cfg["layers_per_block"]
    up = cfg.get("up_block_types") or ["UpBlock2D"] * len(down)
    n = len(down)
    prefixes = [("time_embedding.linear_1.", "time_embed.0."), ("time_embedding.linear_2.", "time_embed.2."),
                ("conv_in.", "input_blocks.0.0."), ("conv_norm_out.", "out.0."), ("conv_out.", "out.2."),
                ("mid_block.resnets.0.", "middle_block.0."), ("mid_block.attentions.0.", "middle_block.1."),
                ("mid_block.resnets.1.", "middle_block.2."), ("controlnet_mid_block.", "middle_block_out.0."),
                ("controlnet_cond_embedding.conv_in.", "input_hint_block.0.")]
    for i in range(n):
        for j in range(lpb):
            prefixes.append((f"down_blocks.{i}.resnets.{j}.", f"input_blocks.{(lpb + 1) * i + j + 1}.0."))
            prefixes.append((f"down_blocks.{i}.attentions.{j}.", f"input_blocks.{(lpb + 1) * i + j + 1}.1."))
        if i < n - 1:
            prefixes.append((f"down_blocks.{i}.downsamplers.0.conv.", f"input_blocks.{(lpb + 1) * (i + 1)}.0.op."))
        for j in range(lpb + 1):
            prefixes.append((f"up_blocks.{i}.resnets.{j}.", f"output_blocks.{(lpb + 1) * i + j}.0."))
            prefixes.append((f"up_blocks.{i}.attentions.{j}.", f"output_blocks.{(lpb + 1) * i + j}.1."))
        if i < n - 1:
            k = 2 if "CrossAttn" in up[i] else 1
            prefixes.append((f"up_blocks.{i}.upsamplers.0.", f"output_blocks.{(lpb + 1) * i + lpb}.{k}."))
    nb = len(cfg.get("conditioning_embedding_out_channels") or []) * 2 - 2
    for b in range(nb):
        prefixes.append((f"controlnet_cond_embedding.blocks.{b}.", f"input_hint_block.{2 * (b + 1)}."))
    prefixes.append(("controlnet_cond_embedding.conv_out.", f"input_hint_block.{2 * (nb + 1)}."))
    resnet = [("norm1.", "in_layers.0."), ("conv1.", "in_layers.2."), ("norm2.", "out_layers.0."),
              ("conv2.", "out_layers.3."), ("time_emb_proj.", "emb_layers.1."), ("conv_shortcut.", "skip_connection.")]
    out = {}
    for k, t in sd.items():
        name = None
        if k.startswith("controlnet_down_blocks."):
            _, i, s = k.split(".")
            name = f"zero_convs.{i}.0.{s}"
        for d, o in prefixes:
            if name is None and k.startswith(d):
                rest = k[len(d):]
                if ".resnets." in d or d.startswith("mid_block.resnets"):
                    for rd, ro in resnet:
                        if rest.startswith(rd):
                            rest = ro + rest[len(rd):]
                name = o + rest
        assert name is not None, k
        if conv_proj and (".proj_in.weight" in k or ".proj_out.weight" in k) and t.dim() == 2:
            t = t.reshape(*t.shape, 1, 1)
        out[prefix + name] = t
    return out


def edge_map(size, seed):
    """A Canny-like 0/1 map: the borders of random rectangles, on all three channels."""
    g = np.random.default_rng(seed)
    img = np.zeros((size, size), np.float32)
    for _ in range(12):
        x0, y0 = g.integers(0, size - 8, 2)
        w, h = g.integers(6, size // 2, 2)
        x1, y1 = min(size - 1, x0 + w), min(size - 1, y0 + h)
        img[y0, x0:x1 + 1] = img[y1, x0:x1 + 1] = 1
        img[y0:y1 + 1, x0] = img[y0:y1 + 1, x1] = 1
    return torch.from_numpy(img)[None, None].repeat(1, 3, 1, 1)


def reinit_controlnet(cn):
    """from_unet zeroes the zero convs: give every ControlNet tensor its own random values so the control path
    matters (He-normal x1.4 on the conditioning embedding's convs, x0.2 on the zero convs)."""
    g = torch.Generator().manual_seed(11)
    for name, p in cn.named_parameters():
        if name.startswith("controlnet_cond_embedding.") and name.endswith(".weight"):
            fan_in = p[0].numel()
            p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5 * 1.4)
        elif name.startswith("controlnet_cond_embedding."):
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
        elif name.startswith("controlnet_down_blocks.") or name.startswith("controlnet_mid_block."):
            fan_in = p[0].numel() if p.dim() > 1 else 1
            p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5 * 0.2)
        else:  # the copied UNet encoder: perturb, so that the ControlNet is not the UNet's own encoder
            p.add_(torch.randn(p.shape, generator=g) * 0.02)


def rel(a, b):
    return ((a - b).abs().max() / b.abs().max()).item()


def main():
    common = dict(block_out_channels=(8, 16), layers_per_block=1, sample_size=16, in_channels=4, out_channels=4,
                  down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                  up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=12, norm_num_groups=4)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(attention_head_dim=2, **common).eval()
    torch.manual_seed(1)
    unet_lin = UNet2DConditionModel(attention_head_dim=(2, 4), use_linear_projection=True, **common).eval()
    # non-default biases/norm affines, so that a missed bias or affine shows
    g = torch.Generator().manual_seed(5)
    for m in (unet, unet_lin):
        for name, p in m.named_parameters():
            if name.endswith(".bias") or "norm" in name:
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
    torch.manual_seed(2)
    cn = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(4, 8, 8, 16)).eval()
    reinit_controlnet(cn)

    g = torch.Generator().manual_seed(3)
    lat = torch.randn(2, 4, 16, 16, generator=g)
    lat_odd = torch.randn(2, 4, 15, 13, generator=g)
    ehs = torch.randn(2, 7, 12, generator=g)
    cond = torch.cat([edge_map(128, 21), edge_map(128, 22)])
    t0 = torch.tensor([10.0, 999.0])
    t1 = torch.tensor([500.0, 1.5])
    # the control map is stored with one channel (the three are equal): the tests repeat it
    io = dict(sample=lat, sample_odd=lat_odd, encoder_hidden_states=ehs, control=cond[:, :1], t0=t0, t1=t1)
    for k, t in (("t0", t0), ("t1", t1)):
        io[f"unet_{k}"] = unet(lat, t, encoder_hidden_states=ehs).sample
        io[f"unet_linear_{k}"] = unet_lin(lat, t, encoder_hidden_states=ehs).sample
        down, mid = cn(lat, t, encoder_hidden_states=ehs, controlnet_cond=cond, conditioning_scale=0.75,
                       return_dict=False)
        for i, r in enumerate(down):
            io[f"cn_{k}_down_{i}"] = r
        io[f"cn_{k}_mid"] = mid
        io[f"unet_cn_{k}"] = unet(lat, t, encoder_hidden_states=ehs, down_block_additional_residuals=list(down),
                                  mid_block_additional_residual=mid).sample
        # the control path matters: a blank control image gives a clearly different output
        bd, bm = cn(lat, t, encoder_hidden_states=ehs, controlnet_cond=torch.zeros_like(cond),
                    conditioning_scale=0.75, return_dict=False)
        blank = unet(lat, t, encoder_hidden_states=ehs, down_block_additional_residuals=list(bd),
                     mid_block_additional_residual=bm).sample
        d_blank, d_none = rel(blank, io[f"unet_cn_{k}"]), rel(io[f"unet_{k}"], io[f"unet_cn_{k}"])
        print(f"{k}: blank control vs edges: {d_blank:.3f} relative; no ControlNet vs ControlNet: {d_none:.3f}")
        assert d_blank > 0.05 and d_none > 0.05, "the control path barely matters"
    io["unet_odd_t0"] = unet(lat_odd, t0, encoder_hidden_states=ehs).sample
    print("params: unet", sum(p.numel() for p in unet.parameters()), "unet_linear",
          sum(p.numel() for p in unet_lin.parameters()), "controlnet", sum(p.numel() for p in cn.parameters()),
          "residuals", len([k for k in io if k.startswith("cn_t0_down_")]))

    save_diffusers(unet, "unet_tiny")
    save_diffusers(unet_lin, "unet_tiny_linear")
    save_diffusers(cn, "controlnet_tiny")
    st_write(os.path.join(FIX, "unet_tiny_original.safetensors"),
             to_original(unet.state_dict(), unet.config, "model.diffusion_model."))
    st_write(os.path.join(FIX, "unet_tiny_linear_original.safetensors"),
             to_original(unet_lin.state_dict(), unet_lin.config, "model.diffusion_model.", conv_proj=True))
    st_write(os.path.join(FIX, "controlnet_tiny_original.safetensors"),
             to_original(cn.state_dict(), cn.config, "control_model.", controlnet=True))
    st_write(os.path.join(FIX, "unet_io.safetensors"), {k: v.float() for k, v in io.items()})

    # our inverse names agree with diffusers' own converter (original -> diffusers)
    sys.path.insert(0, "/work/shared/reference")
    from diffusers.pipelines.stable_diffusion.convert_from_ckpt import convert_ldm_unet_checkpoint
    for m, name, pref, ctrl in ((unet, "unet", "model.diffusion_model.", False),
                                (cn, "controlnet", "control_model.", True)):
        orig = to_original(m.state_dict(), m.config, pref, controlnet=ctrl)
        back = convert_ldm_unet_checkpoint(dict(orig), dict(m.config), controlnet=ctrl)
        sd = m.state_dict()
        ok = set(back) == set(sd) and all(torch.equal(back[k], sd[k]) for k in sd)
        print(f"convert_ldm_unet_checkpoint inverts our {name} names: {ok}")
        assert ok


if __name__ == "__main__":
    main()

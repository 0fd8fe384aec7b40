"""Scheduler parity fixtures: diffusers v0.25.1's DDIM, Euler, Euler ancestral and DPM++ 2M schedulers
run on a fake deterministic "model", for tst_sd_schedulers (tests/diffusion/sd/SchedulerParity.cpp).

Rerun (needs the reference environment, which CI does not have):
    . /work/refenv/env.sh && $PY tests/diffusion/sd/reference/make_scheduler_fixtures.py

Writes tests/diffusion/sd/fixtures/schedulers.json (the scheduler_config.json texts by name, and the
cases: sampler, config name, options, steps, strength) and schedulers.safetensors (F32 tensors named "<case>.<what>"):
  x_init          the starting latents (shared by every case, [1,4,4,4]); noise0 the img2img noise
  x0              the img2img "encoded image" latents
  <case>.timesteps      the whole schedule after set_timesteps (what the UNet gets, as float32)
  <case>.sigmas         Euler / DPM sigmas (float32, one more than the timesteps)
  <case>.init_noise_sigma   [1]
  <case>.start          [1] the index of the first step run (img2img: steps - int(steps*strength))
  <case>.noised         img2img: add_noise(x0, noise0, timesteps[start])
  <case>.noise          [k,1,4,4,4] the standard normal noise the scheduler drew, in order (DDIM eta > 0,
                        Euler ancestral); the C++ side feeds it back through its noise function
  <case>.pred_original  [n,1,4,4,4] pred_original_sample of every step run (DPM++: its x0 prediction)
  <case>.final          the last prev_sample
The fake model: model_output = 0.3 * scale_model_input(x, t) + 0.1 * sin(float32(t) / 100 + phase),
phase = arange(64, float32).reshape(1,4,4,4) * 0.1, all float32 torch ops (repeated in C++).
The pipeline order is diffusers' StableDiffusion(Img2Img)Pipeline's: set_timesteps, txt2img latents
= x_init * init_noise_sigma, img2img get_timesteps + add_noise at the first timestep run, then for each
t: scale_model_input, model, step.
"""
import json
import os
import struct

import numpy as np
import torch
from diffusers import (DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                       EulerDiscreteScheduler)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")
SHAPE = (1, 4, 4, 4)

# stable-diffusion-v1-5/scheduler/scheduler_config.json, verbatim.
SD15 = """{
  "_class_name": "PNDMScheduler",
  "_diffusers_version": "0.6.0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "num_train_timesteps": 1000,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "trained_betas": null,
  "clip_sample": false
}
"""


def sd15_with(**changes):
    cfg = json.loads(SD15)
    cfg.update(changes)
    return json.dumps(cfg, indent=2)


TRAILING = sd15_with(timestep_spacing="trailing")
LEADING = sd15_with(timestep_spacing="leading")
LINSPACE = sd15_with(timestep_spacing="linspace")
VPRED = sd15_with(prediction_type="v_prediction")
# A file that leaves most keys out: the scheduler classes' own defaults apply (linear 0.0001-0.02,
# steps_offset 0, set_alpha_to_one true, DDIM clip_sample true), and a 500-step training schedule.
MINIMAL_COSINE = json.dumps({"_class_name": "DDIMScheduler", "beta_schedule": "squaredcos_cap_v2"})
MINIMAL_LINEAR = json.dumps({"num_train_timesteps": 500, "beta_schedule": "linear"})

CONFIGS = {"sd15": SD15, "sd15_trailing": TRAILING, "sd15_leading": LEADING, "sd15_linspace": LINSPACE,
           "sd15_v_prediction": VPRED, "minimal_cosine": MINIMAL_COSINE, "minimal_linear_500": MINIMAL_LINEAR}
CONFIG_NAMES = {text: name for name, text in CONFIGS.items()}

CLASSES = {"ddim": DDIMScheduler, "euler": EulerDiscreteScheduler, "euler_a": EulerAncestralDiscreteScheduler,
           "dpmpp_2m": DPMSolverMultistepScheduler}

# name, sampler, config, steps, strength, options
CASES = [
    ("ddim_sd15_20", "ddim", SD15, 20, 1.0, {}),
    ("ddim_sd15_4", "ddim", SD15, 4, 1.0, {}),
    ("ddim_sd15_20_eta05", "ddim", SD15, 20, 1.0, {"eta": 0.5}),
    ("ddim_trailing_7", "ddim", TRAILING, 7, 1.0, {}),
    ("ddim_linspace_7", "ddim", LINSPACE, 7, 1.0, {}),
    ("ddim_vpred_20", "ddim", VPRED, 20, 1.0, {}),
    ("ddim_img2img_20_s06", "ddim", SD15, 20, 0.6, {}),
    ("ddim_img2img_4_s06_eta1", "ddim", SD15, 4, 0.6, {"eta": 1.0}),
    ("ddim_minimal_cosine_10", "ddim", MINIMAL_COSINE, 10, 1.0, {}),
    ("ddim_minimal_linear_500t_6", "ddim", MINIMAL_LINEAR, 6, 1.0, {}),
    ("euler_sd15_20", "euler", SD15, 20, 1.0, {}),
    ("euler_sd15_4", "euler", SD15, 4, 1.0, {}),
    ("euler_karras_20", "euler", SD15, 20, 1.0, {"karras": True}),
    ("euler_karras_4", "euler", SD15, 4, 1.0, {"karras": True}),
    ("euler_leading_20", "euler", LEADING, 20, 1.0, {}),
    ("euler_trailing_7", "euler", TRAILING, 7, 1.0, {}),
    # numpy's arange(1000, 0, -1000/61) overshoots: 62 timesteps, the last -1 (diffusers runs them all)
    ("euler_trailing_61", "euler", TRAILING, 61, 1.0, {}),
    ("euler_vpred_20", "euler", VPRED, 20, 1.0, {}),
    ("euler_img2img_20_s06", "euler", SD15, 20, 0.6, {}),
    ("euler_karras_img2img_20_s06", "euler", SD15, 20, 0.6, {"karras": True}),
    ("euler_leading_karras_10", "euler", LEADING, 10, 1.0, {"karras": True}),
    ("euler_minimal_cosine_karras_10", "euler", MINIMAL_COSINE, 10, 1.0, {"karras": True}),
    ("euler_a_sd15_20", "euler_a", SD15, 20, 1.0, {}),
    ("euler_a_sd15_4", "euler_a", SD15, 4, 1.0, {}),
    ("euler_a_leading_10", "euler_a", LEADING, 10, 1.0, {}),
    ("euler_a_vpred_7", "euler_a", VPRED, 7, 1.0, {}),
    ("euler_a_img2img_20_s06", "euler_a", SD15, 20, 0.6, {}),
    ("dpmpp_2m_sd15_20", "dpmpp_2m", SD15, 20, 1.0, {}),
    ("dpmpp_2m_sd15_4", "dpmpp_2m", SD15, 4, 1.0, {}),
    ("dpmpp_2m_sd15_14", "dpmpp_2m", SD15, 14, 1.0, {}),
    ("dpmpp_2m_karras_20", "dpmpp_2m", SD15, 20, 1.0, {"karras": True}),
    ("dpmpp_2m_karras_4", "dpmpp_2m", SD15, 4, 1.0, {"karras": True}),
    ("dpmpp_2m_leading_10", "dpmpp_2m", LEADING, 10, 1.0, {}),
    ("dpmpp_2m_trailing_7", "dpmpp_2m", TRAILING, 7, 1.0, {}),
    ("dpmpp_2m_vpred_karras_20", "dpmpp_2m", VPRED, 20, 1.0, {"karras": True}),
    ("dpmpp_2m_img2img_20_s06", "dpmpp_2m", SD15, 20, 0.6, {}),
    ("dpmpp_2m_karras_img2img_4_s06", "dpmpp_2m", SD15, 4, 0.6, {"karras": True}),
    ("dpmpp_2m_minimal_cosine_10", "dpmpp_2m", MINIMAL_COSINE, 10, 1.0, {}),
]


def make_scheduler(sampler, config_text, options):
    config = json.loads(config_text)
    kwargs = {}
    if sampler == "dpmpp_2m":  # "DPM++ 2M": what the sampler is, whatever the file says
        kwargs.update(algorithm_type="dpmsolver++", solver_order=2, solver_type="midpoint", lower_order_final=True)
    if options.get("karras"):
        kwargs["use_karras_sigmas"] = True
    return CLASSES[sampler].from_config(config, **kwargs)


def fake_model(inp, t, phase):
    tf = t.to(torch.float32) if isinstance(t, torch.Tensor) else torch.tensor(t, dtype=torch.float32)
    return 0.3 * inp + 0.1 * torch.sin(tf / 100 + phase)


def run_case(name, sampler, config_text, steps, strength, options, x_init, x0, noise0, phase, tensors, seed):
    s = make_scheduler(sampler, config_text, options)
    s.set_timesteps(steps)
    p = name + "."
    tensors[p + "timesteps"] = s.timesteps.to(torch.float32).clone()
    if hasattr(s, "sigmas") and sampler != "ddim":
        tensors[p + "sigmas"] = s.sigmas.to(torch.float32).clone()
    tensors[p + "init_noise_sigma"] = torch.tensor([float(s.init_noise_sigma)], dtype=torch.float32)
    timesteps = s.timesteps
    start = 0
    if strength < 1.0:
        # StableDiffusionImg2ImgPipeline.get_timesteps (scheduler.order is 1 for all four)
        init_timestep = min(int(steps * strength), steps)
        start = max(steps - init_timestep, 0)
        timesteps = s.timesteps[start * s.order:]
        latents = s.add_noise(x0, noise0, timesteps[:1].repeat(1))
        tensors[p + "noised"] = latents.clone()
    else:
        latents = x_init * s.init_noise_sigma
    tensors[p + "start"] = torch.tensor([float(start)])
    gen = torch.Generator().manual_seed(seed)
    noises, preds = [], []
    eta = options.get("eta", 0.0)
    for t in timesteps:
        inp = s.scale_model_input(latents, t)
        out = fake_model(inp, t, phase)
        if sampler == "ddim":
            kw = {}
            if eta > 0:
                noise = torch.randn(SHAPE, generator=gen, dtype=torch.float32)
                noises.append(noise)
                kw["variance_noise"] = noise
            r = s.step(out, t, latents, eta=eta, **kw)
            preds.append(r.pred_original_sample)
        elif sampler == "euler_a":
            state = gen.get_state()
            r = s.step(out, t, latents, generator=gen)
            noises.append(torch.randn(SHAPE, generator=torch.Generator().set_state(state), dtype=torch.float32))
            preds.append(r.pred_original_sample)
        elif sampler == "euler":
            r = s.step(out, t, latents, generator=gen)
            preds.append(r.pred_original_sample)
        else:
            r = s.step(out, t, latents)
            preds.append(s.model_outputs[-1])  # the x0 prediction of this step (convert_model_output)
        latents = r.prev_sample
    if noises:
        tensors[p + "noise"] = torch.stack(noises)
    tensors[p + "pred_original"] = torch.stack(preds)
    tensors[p + "final"] = latents.clone()
    return {"name": name, "sampler": sampler, "config": CONFIG_NAMES[config_text], "steps": steps, "strength": strength,
            "eta": eta, "karras": bool(options.get("karras", False)), "noise_draws": len(noises),
            "steps_run": len(preds)}


def st_write(path, tensors):
    header, blobs, offset = {}, [], 0
    for key in sorted(tensors):
        data = tensors[key].detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(tensors[key].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1234)
    x_init = torch.randn(SHAPE, generator=g)
    x0 = torch.randn(SHAPE, generator=g) * 0.8
    noise0 = torch.randn(SHAPE, generator=g)
    phase = torch.arange(64, dtype=torch.float32).reshape(SHAPE) * 0.1
    tensors = {"x_init": x_init, "x0": x0, "noise0": noise0}
    cases = []
    for i, (name, sampler, cfg, steps, strength, options) in enumerate(CASES):
        cases.append(run_case(name, sampler, cfg, steps, strength, options, x_init, x0, noise0, phase, tensors,
                              seed=100 + i))
    os.makedirs(OUT, exist_ok=True)
    st_write(os.path.join(OUT, "schedulers.safetensors"), tensors)
    with open(os.path.join(OUT, "schedulers.json"), "w") as f:
        json.dump({"shape": list(SHAPE), "configs": CONFIGS, "cases": cases}, f, indent=1)
        f.write("\n")
    for c in cases:
        print(f"{c['name']:34s} steps_run {c['steps_run']:2d} noise {c['noise_draws']:2d} "
              f"t {tensors[c['name'] + '.timesteps'][:6].tolist()}")
    print("bytes:", os.path.getsize(os.path.join(OUT, "schedulers.safetensors")),
          os.path.getsize(os.path.join(OUT, "schedulers.json")))


if __name__ == "__main__":
    main()

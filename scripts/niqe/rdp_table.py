#!/usr/bin/env python3
"""Prints docs/RESULTS.md's rate-distortion-perception tables (markdown) from `semc eval --json` files.

Per target bpp of 0.01-0.05: the semantic codec's fidelity decode and the hint alone at the rate
target (the eval's "semantic at target bpp" / "hint only at target bpp" curves), and each baseline
(per image the best setting under the target), each as bpp, PSNR and NIQE means over the images,
plus the originals' own NIQE. A baseline target not every image reaches is shown as "k of n" with
the mean over those k. With --sampled, a second table over that run's images: the fidelity decode
and the sampled decodes (default strength, from noise) of the same files (its `sampled_at_target`),
beside the hint alone and the baselines of the same images (from the first file's per-image rows).
Only standard-library Python.

  python3 scripts/niqe/rdp_table.py ALL.json [--sampled SAMPLED.json ...] [--tolerance DB]

The fidelity decodes of the sampled runs must agree with the first file's: the same bpp exactly and,
by default, the same PSNR to 1e-9 dB (runs on one machine). --tolerance DB allows that much PSNR
difference (runs on two CPUs: LibTorch's kernels differ in the last bits of a float); the largest
difference found is printed.
"""
import json
import math
import re
import sys

TARGETS = [0.01, 0.015, 0.02, 0.03, 0.05]
ALL_TARGETS = [0.01, 0.015, 0.02, 0.03, 0.05, 0.08]  # semc eval's targets: the order of its curves
# semc eval's default --points (RateLadder::pointList()), cheapest first, as labelled in its JSON.
LADDER = ["edges1/8+hint32+t400", "edges1/8+hint32+t300", "edges1/8+hint16+t400", "edges1/4+hint16+t400+m16",
          "edges1/8+hint8q2+t400", "edges1/8+hint8q5+t400", "edges1/8+hint8+t400", "edges1/8+hint8q20+t400",
          "edges1/8+hint8q30+t400", "edges1/8+hint4+t400", "edges1/8+hint4q5+t400", "edges1/8+hint4q10+t400",
          "edges1/8+hint4q20+t400"]
BASELINES = [("webp-downscale", "downscale+WebP"), ("jp2", "JPEG 2000"), ("avif", "AVIF")]


def cell(points):
    if not points:
        return "not reached"
    n = len(points)
    bpp = sum(p["bpp"] for p in points) / n
    psnr = sum(p["psnr"] for p in points) / n
    niqes = [p["niqe"] for p in points if p.get("niqe") is not None]
    niqe = f"{sum(niqes) / len(niqes):.2f}" if len(niqes) == n else "n/a"
    return f"{bpp:.4f}, {psnr:.2f} dB, {niqe}"


def curve_at_targets(run, name):
    points = run["curves"].get(name, [])
    if len(points) != len(ALL_TARGETS):
        sys.exit(f"rdp_table: curve '{name}' does not reach every target ({len(points)} points).")
    return dict(zip(ALL_TARGETS, points))


def baseline_cell(images, codec, target):
    key = f"{codec}@{target:.3f}"
    points = [r["baseline"][key] for r in images if key in r.get("baseline", {})]
    if len(points) == len(images):
        return cell(points)
    if not points:
        return "not reached"
    return f"{len(points)} of {len(images)} images ({cell(points)})"


def originals(images):
    values = [r["niqe"] for r in images if r.get("niqe") is not None]
    return sum(values) / len(values) if len(values) == len(images) else math.nan


def main():
    args = sys.argv[1:]
    sampled_paths = []
    while "--sampled" in args:
        i = args.index("--sampled")
        sampled_paths.append(args[i + 1])
        del args[i:i + 2]
    tolerance = 1e-9
    if "--tolerance" in args:
        i = args.index("--tolerance")
        tolerance = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    run = json.load(open(args[0]))
    images = run["per_image"]
    fid = curve_at_targets(run, "semantic at target bpp")
    hint = curve_at_targets(run, "hint only at target bpp")
    print(f"All {len(images)} images (originals' NIQE {originals(images):.2f}); each cell bpp, PSNR, NIQE:\n")
    print("| target bpp | semantic, fidelity decode | hint alone (bicubic) | "
          + " | ".join(label for _, label in BASELINES) + " |")
    print("|---" * (3 + len(BASELINES)) + "|")
    for t in TARGETS:
        row = [f"{t:.3f}", cell([fid[t]]), cell([hint[t]])]
        row += [baseline_cell(images, codec, t) for codec, _ in BASELINES]
        print("| " + " | ".join(row) + " |")
    if not sampled_paths:
        return
    # The sampled images, from one or more runs (a prepared data folder or a folder of the same
    # files: matched by file name), scored per image from their per-image records.
    by_name = {r["image"].rsplit("/", 1)[-1]: r for r in images}
    subset, strength, steps = [], None, None
    for path in sampled_paths:
        sampled = json.load(open(path))
        at = sampled["sampled_at_target"]
        strength, steps = at["strength"], at["steps"]
        for r in sampled["per_image"]:
            if "sampled_rungs" in r:
                subset.append((r, by_name[r["image"].rsplit("/", 1)[-1]]))
    label = f"strength {strength:.2f}"
    print(f"\nThe {len(subset)} sampled images (originals' NIQE {originals([a for _, a in subset]):.2f}; "
          f"DPM++(2M) {steps} steps, the default guidance); each cell bpp, PSNR, NIQE:\n")
    print(f"| target bpp | semantic, fidelity decode | sampled, {label} | sampled from noise | "
          "hint alone (bicubic) | " + " | ".join(name for _, name in BASELINES) + " |")
    print("|---" * (5 + len(BASELINES)) + "|")
    for t in TARGETS:
        key = f"{t:.3f}"
        cols = [[], [], [], []]
        for r, _ in subset:
            rung = r["sampled_rungs"][key]
            cols[0].append(r["semantic"][rung])
            cols[1].append(r["sampled"][f"{label}@{key}"])
            cols[2].append(r["sampled"][f"from noise@{key}"])
            cols[3].append(hint_at_target(r, t))
        row = [key] + [cell(c) for c in cols]
        row += [baseline_cell([a for _, a in subset], codec, t) for codec, _ in BASELINES]
        print("| " + " | ".join(row) + " |")
    # The fidelity decodes of the runs are the same decodes of the same files: a check that they agree.
    largest = 0.0
    for r, a in subset:
        for k, q in r["semantic"].items():
            diff = abs(a["semantic"][k]["psnr"] - q["psnr"])
            largest = max(largest, diff)
            if diff > tolerance or abs(a["semantic"][k]["bpp"] - q["bpp"]) > 1e-12:
                sys.exit(f"rdp_table: {r['image']} {k}: the runs' fidelity decodes differ ({diff:.2g} dB).")
    print(f"\n(the runs' fidelity decodes: the same bpp, PSNR within {largest:.2g} dB of the first file's)")
    print(f"\n(images: {', '.join(r['image'].rsplit('/', 1)[-1] for r, _ in subset)})")


def hint_at_target(rec, target):
    """The hint alone at a target, as the eval's "hint only at target bpp" curve takes it: the hint
    settings of the ladder's rungs in order, the last one whose hint alone fits (RateLadder::lastFitting)."""
    pick = None
    for label in LADDER:
        q = rec["hint-only"][re.search(r"hint\d+(?:q\d+)?", label).group(0)]
        if q["bpp"] <= target:
            pick = q
    return pick


if __name__ == "__main__":
    main()

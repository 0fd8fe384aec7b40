#!/usr/bin/env python3
"""Reference NIQE scores for tests/core/metrics/fixtures/niqe/scores.json, from BasicSR.

Runs BasicSR's own calculate_niqe (basicsr/metrics/niqe.py) on each image as BasicSR's
scripts do: cv2.imread (BGR, 8-bit), crop_border=0, input_order='HWC', convert_to='y'. BasicSR's
code is not part of this project: point BASICSR at a checkout (or a copy of niqe.py,
metric_util.py, niqe_pris_params.npz, utils/color_util.py and utils/matlab_functions.py with
utils/registry.py reduced to a no-op METRIC_REGISTRY.register). Needs Debian's python3-numpy,
python3-scipy, python3-opencv and python3-torch (imresize uses torch).

  BASICSR=/path/to/BasicSR python3 tests/core/metrics/reference/niqe_reference.py \
      IMAGE... > tests/core/metrics/fixtures/niqe/scores.json

Paths are written relative to the source root when they are inside it. An image BasicSR fails
on is written with "error" instead of a score.
"""
import json
import math
import os
import sys

import cv2

sys.path.insert(0, os.environ["BASICSR"])
from basicsr.metrics.niqe import calculate_niqe  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def main():
    out = []
    for path in sys.argv[1:]:
        img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if img.ndim == 3 and img.shape[2] == 4:
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
        rel = os.path.relpath(os.path.abspath(path), ROOT)
        entry = {"image": rel, "width": int(img.shape[1]), "height": int(img.shape[0]),
                 "channels": 1 if img.ndim == 2 else int(img.shape[2])}
        try:
            score = calculate_niqe(img, crop_border=0, input_order="HWC", convert_to="y")
            entry["niqe"] = None if math.isnan(score) else score
        except Exception as e:  # BasicSR's failure on this image, recorded
            entry["error"] = f"{type(e).__name__}: {e}"
        out.append(entry)
        print(json.dumps(entry), file=sys.stderr)
    json.dump({"source": "BasicSR basicsr/metrics/niqe.py calculate_niqe(crop_border=0, input_order='HWC', convert_to='y')",
               "basicsr_commit": os.environ.get("BASICSR_COMMIT", "unknown"),
               "scores": out}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()

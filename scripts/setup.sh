#!/usr/bin/env bash
# One command for a newcomer on Debian 12: install what is missing, build, and run the main job
# on a bundled sample: encode it to .sem, show what the file holds, and redraw it with the shipped
# default model (fidelity decode), reporting the size and the quality against the original.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)" --target semc semcompress sem_models
sample=resources/samples/coco_000000107438.jpg
caption="A bike parked under a traffic light next to a blue sign."  # its COCO caption
mkdir -p out
echo
echo "== semc encode $sample -o out/sample.sem --hint 16 --caption \"$caption\""
build/release/bin/semc encode "$sample" -o out/sample.sem --hint 16 --caption "$caption"
echo
echo "== semc info out/sample.sem"
build/release/bin/semc info out/sample.sem
echo
echo "== semc roundtrip $sample -o out/sample-decoded.png --hint 16 --caption ... --fidelity"
build/release/bin/semc roundtrip "$sample" -o out/sample-decoded.png --hint 16 --caption "$caption" --fidelity \
  --sem out/sample.sem

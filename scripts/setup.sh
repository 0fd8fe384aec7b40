#!/usr/bin/env bash
# One command for a newcomer on Debian 12: install what is missing, build, and run the main job
# on a bundled sample with the default settings (the default rate, 0.03 bpp, through the built-in
# model's ladder, hint included): encode it to .sem, show what the file holds, and redraw it with the
# shipped default model (its default decode), reporting the size and the quality against the original.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)" --target semc semcompress sem_models
sample=resources/samples/coco_000000107438.jpg
caption="A bike parked under a traffic light next to a blue sign."  # its COCO caption
mkdir -p out
echo
echo "== semc encode $sample -o out/sample.sem --caption \"$caption\""
build/release/bin/semc encode "$sample" -o out/sample.sem --caption "$caption"
echo
echo "== semc info out/sample.sem"
build/release/bin/semc info out/sample.sem
echo
echo "== semc roundtrip $sample -o out/sample-decoded.png --caption ..."
build/release/bin/semc roundtrip "$sample" -o out/sample-decoded.png --caption "$caption" --sem out/sample.sem

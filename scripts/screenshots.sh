#!/bin/sh
# The app's screenshots in docs/screenshots/ (issue 20), taken under Xvfb with the app's own
# --screenshot option (8-bit palette PNGs, --palette, to keep each small). Rerun from the source root
# after a release build:
#   scripts/screenshots.sh [path/to/semcompress]     # default build/release/bin/semcompress
# Needs xvfb-run (Debian: xvfb). Each decode runs on the CPU with the shipped default model; on a
# 2-core machine the whole script takes several minutes. What each picture shows: docs/SCREENSHOTS.md.
set -eu
app=${1:-build/release/bin/semcompress}
out=docs/screenshots
sample=resources/samples/coco_000000000790.jpg
# The shipped default model, from the source tree unless one is named already.
export SEMCOMPRESS_MODEL="${SEMCOMPRESS_MODEL:-$PWD/models/default}"
mkdir -p "$out"
[ -x "$app" ] || { echo "screenshots.sh: $app is not built (cmake --build --preset release --target semcompress)" >&2; exit 1; }

# shot NAME SCREEN [app options...]: one run of the app on an Xvfb screen of SCREEN (WxH) pixels.
shot() {
    name=$1 screen=$2
    shift 2
    echo "== $name ($screen${QT_SCALE_FACTOR:+, QT_SCALE_FACTOR=$QT_SCALE_FACTOR})"
    # A fresh home: the default settings, nothing from an earlier run (--screenshot keeps its
    # settings apart from the user's, under $HOME/.qttest).
    home=$(mktemp -d)
    HOME=$home xvfb-run -a -s "-screen 0 ${screen}x24" "$app" "$@" --palette \
        --screenshot "$out/$name.png"
    rm -rf "$home"
}

# First use, default settings: the bundled sample opened, fitted to the default rate, decoded with
# the default model; the first preview while it decodes, then the result.
shot first-use 1280x800 "$sample" --decode --preview-shot "$out/first-use-preview.png"
# Every view labelled with what it shows and costs: the edge map and the hint alone (the original and
# the reconstruction: first-use.png).
shot view-edges 1280x800 "$sample" --view edges
shot view-hint 1280x800 "$sample" --view hint
# Honest comparisons: the reconstruction beside downscale+WebP and beside JPEG at the .sem's size,
# each labelled with its real bytes, bpp and "same size" or "cannot go lower".
shot compare-webp-downscale 1280x800 "$sample" --decode --view reconstruction,webp-downscale
shot compare-jpeg 1280x800 "$sample" --decode --view reconstruction,jpeg
# Variations: four seeds decoded side by side in the grid window (picking one is tst_variations').
shot variations 1280x800 "$sample" --decode --variations 4 --grid-shot "$out/variations-grid.png"
# The wheel over the side panel's unfocused Colour hint and Sampler boxes changes neither (printed).
shot wheel-side-panel 1280x800 "$sample" --wheel 5
# 200 %: the logical 1280x800 window at device pixel ratio 2 (a 2560x1600 screen), decoded, the side
# panel at the Decode group; the view shows a 1/64 hint (smooth: the PNG stays small at 2560x1600).
QT_SCALE_FACTOR=2 shot layout-200 2560x1600 "$sample" --hint 64 --decode --view hint
ls -l "$out"

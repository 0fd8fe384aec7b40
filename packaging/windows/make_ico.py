#!/usr/bin/env python3
"""Writes semcompress.ico (Windows executable and installer icon) from the hicolor PNGs.

An .ico holding PNG-compressed images (Windows Vista and later): a 6-byte header, one 16-byte
entry per image, then the PNG files as they are. Run from anywhere: python3 make_ico.py
"""
import pathlib
import struct

here = pathlib.Path(__file__).resolve().parent
hicolor = here.parent / "icons" / "hicolor"
sizes = [16, 24, 32, 48, 64, 128, 256]
images = [(hicolor / f"{s}x{s}" / "apps" / "io.github.semcompress.SemCompress.png").read_bytes() for s in sizes]

out = bytearray(struct.pack("<HHH", 0, 1, len(images)))
offset = 6 + 16 * len(images)
for size, png in zip(sizes, images):
    side = 0 if size == 256 else size  # 0 means 256
    out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
    offset += len(png)
for png in images:
    out += png
(here / "semcompress.ico").write_bytes(out)
print(f"semcompress.ico: {len(out)} bytes, {len(images)} images")

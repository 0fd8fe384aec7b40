# The 71 validation photos of semc train's fixed split (ShardWriter::isValidation: FNV-1a of the
# file name, % 100 < 5) of ../shared/data, linked into /tmp/ladder/val (docs/RESULTS.md, issue 20).
import os
root = '/work/shared/data'
exts = ('.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff')
files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.lower().endswith(exts)]
def validation(name):
    h = 2166136261
    for c in name.encode():
        h = ((h ^ c) * 16777619) & 0xffffffff
    return h % 100 < 5
val = sorted(p for p in files if validation(os.path.basename(p)))
os.makedirs('/tmp/ladder/val', exist_ok=True)
for p in val:
    dst = '/tmp/ladder/val/' + os.path.basename(p)
    if not os.path.exists(dst):
        os.symlink(p, dst)
print(len(val), 'validation photos,', sum('bsds' in p for p in val), 'from BSDS500')

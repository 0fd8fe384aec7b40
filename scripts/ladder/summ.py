# Measurement script of docs/RESULTS.md "The default rate and the model's ladder" (issue 20), as run.
# Layout: /tmp/ladder/val = links to the 71 validation photos (make_val.py); /tmp/ladder/base = a copy
# of build/release/{bin,lib} at f9255a0 (no ladder fill); /tmp/ladder/final = the same at 0718f73 (with share/).
import json,sys,collections,math
f=sys.argv[1]
rows=[json.loads(l) for l in open(f)]
by=collections.defaultdict(list)
for r in rows: by[r['cand']].append(r)
# only images that have all candidates
imgs=set(r['image'] for r in rows)
for c in by: imgs&=set(r['image'] for r in by[c])
print(len(imgs),'images')
def m(v): v=[x for x in v if x is not None and not (isinstance(x,float) and math.isnan(x))]; return sum(v)/len(v) if v else float('nan')
for c,rs in by.items():
    rs=[r for r in rs if r['image'] in imgs]
    print(f"{c:36s} bytes {m([r['bytes'] for r in rs]):7.0f} bpp {m([r['bpp'] for r in rs]):.4f} PSNR {m([r['psnr'] for r in rs]):6.2f} NIQE {m([r['niqe'] for r in rs]):5.2f} | webp bpp {m([r['webp_bpp'] for r in rs]):.4f} PSNR {m([r['webp_psnr'] for r in rs]):6.2f} NIQE {m([r['webp_niqe'] for r in rs]):5.2f} | dPSNR {m([r['psnr']-r['webp_psnr'] for r in rs]):+.2f} wins {sum(r['psnr']>r['webp_psnr'] for r in rs)}/{len(rs)} dec {m([r['decode_s'] for r in rs]):.2f}s")

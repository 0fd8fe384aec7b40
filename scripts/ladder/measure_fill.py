# Measurement script of docs/RESULTS.md "The default rate and the model's ladder" (issue 20), as run.
# Layout: /tmp/ladder/val = links to the 71 validation photos (make_val.py); /tmp/ladder/base = a copy
# of build/release/{bin,lib} at f9255a0 (no ladder fill); /tmp/ladder/final = the same at 0718f73 (with share/).
# Within-10 %-under: semc encode --target-bpp T on the 71 validation photos (no caption): file size / budget.
import json, os, subprocess, sys, collections
SEMC=sys.argv[1]; MODEL=sys.argv[2]
val=sorted(os.listdir('/tmp/ladder/val'))
targets=[0.01,0.015,0.02,0.03,0.05]
res=collections.defaultdict(list)
for im in val:
    for t in targets:
        r=subprocess.run([SEMC,'encode','/tmp/ladder/val/'+im,'-o','/tmp/ladder/f.sem','--model',MODEL,'--target-bpp',str(t),'--json'],capture_output=True,text=True)
        if r.returncode: res[t].append(None); continue
        j=json.loads(r.stdout); op=j['operating_point']
        res[t].append(op['bytes']/op['budget_bytes'])
for t in targets:
    v=[x for x in res[t] if x is not None]
    within=sum(1 for x in v if x>=0.9)
    print(f"target {t}: {len(v)}/{len(res[t])} reach; within 10% under: {within}/{len(v)}; mean size/budget {sum(v)/len(v):.3f}; min {min(v):.3f}")
